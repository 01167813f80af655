import { ApiProperty } from '@nestjs/swagger';

/** One message of a conversation as people saw it: what the user wrote, the agent's answers, operator replies. */
export class ConversationMessage {
  @ApiProperty({ enum: ['user', 'assistant', 'operator'], example: 'user', description: 'Who wrote it' })
  role!: 'user' | 'assistant' | 'operator';

  @ApiProperty({ example: 'I want to talk to a person', description: 'The text (for the agent: its final answer)' })
  content!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T12:00:05.000Z', description: 'When it was stored, ISO 8601 UTC' })
  timestamp!: string;
}
