import { ApiProperty } from '@nestjs/swagger';

export type HistoryRole = 'user' | 'agent';

/** One item of `GET /history/{chat_id}` and of `chat_history`: the protocol spec's four fields and the original server's `message_id`. */
export class HistoryEntry {
  @ApiProperty({ enum: ['user', 'agent'], example: 'agent', description: 'Who wrote it: the user, or the agent (one step)' })
  role!: HistoryRole;

  @ApiProperty({ example: 'Execution logs...\nLast output: [...]', description: 'The user message, or the content of the agent step' })
  content!: string;

  @ApiProperty({
    example: 'abc123',
    description: "The client's `message_id`: of the user message itself, or, for an agent step, of the message it answers",
  })
  message_id!: string;

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
