import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DEFAULT_AGENT_ID } from '../agent/agent.registry';
import { CHAT_ID_PATTERN } from './chat.error';

export const MAX_TASK_LENGTH = 20000;

/** The body of `POST /agent/run`. Which agents exist is known only at run time, so the service checks `agent`. */
export class RunAgentRequest {
  @ApiPropertyOptional({
    example: 'chat_id47',
    minLength: 1,
    maxLength: 128,
    pattern: CHAT_ID_PATTERN.source,
    description: 'Names the run in logs and tool calls; nothing is stored under it. A fresh id is used when absent',
  })
  @IsOptional()
  @IsString()
  @Matches(CHAT_ID_PATTERN, { message: 'chat_id must be 1–128 characters of letters, digits, _ . : or -' })
  chat_id?: string;

  @ApiProperty({ example: 'get all contacts', minLength: 1, maxLength: MAX_TASK_LENGTH, description: 'Instruction for the agent' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TASK_LENGTH)
  task!: string;

  @ApiPropertyOptional({ example: DEFAULT_AGENT_ID, default: DEFAULT_AGENT_ID, description: 'A registered agent id, e.g. `assistant` or `planner`' })
  @IsOptional()
  @IsString()
  agent?: string;
}
