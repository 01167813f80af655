import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ConversationQuery {
  @ApiPropertyOptional({ enum: ['handoff', 'active'], default: 'handoff' })
  @IsOptional()
  @IsIn(['handoff', 'active'])
  status: 'handoff' | 'active' = 'handoff';
}

export class ConversationSummary {
  @ApiProperty({ example: 'convo-42' })
  convoId!: string;

  @ApiProperty({ example: 'alice', description: 'The user who owns the conversation (token subject)' })
  ownerId!: string;

  @ApiProperty({ enum: ['handoff', 'active'] })
  status!: 'handoff' | 'active';

  @ApiProperty({ type: String, nullable: true, example: 'voiceglow-eu' })
  bucket!: string | null;

  @ApiProperty({ type: Object, nullable: true, example: { userName: 'John Doe', origin: 'web-chat' }, description: 'lightConvoData as the client sent it' })
  lightConvoData!: object | null;

  @ApiProperty({ example: '2026-11-21T12:00:00.000Z', description: 'ISO 8601 UTC' })
  createdAt!: string;
}

export class OperatorReply {
  @ApiProperty({ example: 'Hi, I am Sam from support. How can I help?' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  content!: string;
}

export class OperatorReplyResult {
  @ApiProperty()
  convoId!: string;

  @ApiProperty()
  content!: string;

  @ApiProperty({ description: 'When it was stored, ISO 8601 UTC' })
  timestamp!: string;
}

export class ReleaseResult {
  @ApiProperty()
  convoId!: string;

  @ApiProperty({ enum: ['active'] })
  status!: 'active';
}
