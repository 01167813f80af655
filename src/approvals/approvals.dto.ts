import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_REASON_CHARS } from '../chat/chat.protocol';

export const APPROVAL_STATUSES = ['pending'] as const;
/** Any JSON value: a tool's arguments are the tool's own business. */
const ANY_JSON: Pick<SchemaObject, 'oneOf'> = {
  oneOf: [{ type: 'object', additionalProperties: true, nullable: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
};

/** Query of `GET /approvals`; `status` is checked by the service, which answers an unknown one with its own code. */
export class ApprovalsQuery {
  @ApiProperty({ enum: APPROVAL_STATUSES, example: 'pending', description: '`pending`: calls that wait for a decision' })
  @IsString()
  status!: string;
}

/** A tool call waiting for the user's decision. */
export class PendingApproval {
  @ApiProperty({ example: '0b7c2f7e-3f5c-4a1e-9b84-2f1d0c3a9e11', description: 'What `POST /approvals/{approval_id}` and the sockets decide on' })
  approval_id!: string;

  @ApiProperty({ example: 'a1b2c3', description: 'The chat (or interact conversation) whose run waits' })
  chat_id!: string;

  @ApiProperty({ example: 'm1', description: 'The client message the run answers' })
  message_id!: string;

  @ApiProperty({ example: 'send_message', description: 'The tool the model called' })
  tool!: string;

  @ApiProperty({ ...ANY_JSON, description: 'The arguments the model gave it', example: { to: 'Ada Lovelace', text: 'See you at 3' } })
  args!: unknown;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T12:00:05.000Z', description: 'When the run asked, ISO 8601 UTC' })
  requested_at!: string;
}

/** The body of `POST /approvals/{approval_id}`. */
export class ApprovalDecisionBody {
  @ApiProperty({ example: true, description: 'true runs the call; false refuses it, and the model reads `reason`' })
  @IsBoolean()
  approved!: boolean;

  @ApiPropertyOptional({ example: 'Not to that address', minLength: 1, maxLength: MAX_REASON_CHARS, description: 'Why; the model reads it when the call is rejected' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REASON_CHARS)
  reason?: string;
}

/** A decision the waiting run has stored. */
export class ApprovalDecided {
  @ApiProperty({ example: '0b7c2f7e-3f5c-4a1e-9b84-2f1d0c3a9e11' })
  approval_id!: string;

  @ApiProperty({ example: 'a1b2c3' })
  chat_id!: string;

  @ApiProperty({ example: false })
  approved!: boolean;

  @ApiProperty({ example: 'Not to that address', description: 'As sent; `approved` or `rejected` when none was given' })
  reason!: string;
}
