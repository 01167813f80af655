import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const STATUSES = ['handoff', 'active'] as const;
export const MAX_REPLY_LENGTH = 20000;

export class ConversationQuery {
  @ApiPropertyOptional({ enum: STATUSES, default: 'handoff', description: 'Which conversations to list' })
  @IsOptional()
  @IsIn(STATUSES)
  status: 'handoff' | 'active' = 'handoff';
}

export class ConversationSummary {
  @ApiProperty({ example: 'convo-42', description: 'The conversation id, as the /interact client chose it' })
  convoId!: string;

  @ApiProperty({ example: 'alice', description: 'The user who owns the conversation (token subject)' })
  ownerId!: string;

  @ApiProperty({ enum: STATUSES, description: '`handoff`: waiting for an operator; `active`: the agent answers' })
  status!: 'handoff' | 'active';

  @ApiProperty({ type: String, nullable: true, example: 'voiceglow-eu', description: 'The bucket the client named, if any' })
  bucket!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { userName: 'John Doe', origin: 'web-chat' },
    description: 'lightConvoData as the client sent it',
  })
  lightConvoData!: object | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T12:00:00.000Z', description: 'When the conversation started, ISO 8601 UTC' })
  createdAt!: string;
}

export class OperatorReply {
  @ApiProperty({ example: 'Hi, I am Sam from support. How can I help?', minLength: 1, maxLength: MAX_REPLY_LENGTH, description: 'The reply text' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REPLY_LENGTH)
  content!: string;
}

export class OperatorReplyResult {
  @ApiProperty({ example: 'convo-42', description: 'The conversation replied to' })
  convoId!: string;

  @ApiProperty({ example: 'Hi, I am Sam from support. How can I help?', description: 'The reply as stored' })
  content!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T12:00:05.000Z', description: 'When it was stored, ISO 8601 UTC' })
  timestamp!: string;
}

export class ReleaseResult {
  @ApiProperty({ example: 'convo-42', description: 'The conversation handed back' })
  convoId!: string;

  @ApiProperty({ enum: ['active'], description: 'Always `active`: the agent answers again' })
  status!: 'active';
}
