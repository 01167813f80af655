import { ApiProperty } from '@nestjs/swagger';

export type HistoryRole = 'user' | 'agent';

/** One item of `GET /history/{chat_id}`: exactly the four fields of the protocol spec, nothing more. */
export class HistoryEntry {
  @ApiProperty({ enum: ['user', 'agent'], example: 'agent', description: 'Who wrote it: the user, or the agent (one step)' })
  role!: HistoryRole;

  @ApiProperty({ example: 'Execution logs...\nLast output: [...]', description: 'The user message, or the content of the agent step' })
  content!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ActionStep',
    description: 'The agent step type (`PlanningStep`, `ActionStep`, `FinalAnswerStep`); null for user messages',
  })
  step_type!: string | null;

  @ApiProperty({
    format: 'date-time',
    example: '2025-04-03T20:45:15.000Z',
    description: 'When the message or step was recorded: ISO 8601 in UTC, millisecond precision',
  })
  timestamp!: string;
}
