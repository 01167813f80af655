import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const SESSION_STATUSES = ['waiting'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSIONS_DEFAULT_LIMIT = 50;
export const SESSIONS_MAX_LIMIT = 200;
const MAX_OFFSET = 100_000;
export const MAX_ANSWER_LENGTH = 20000;
/** Any JSON value: what an action asks, and what a client adds to its answer, are the route's own business. */
const ANY_JSON: Pick<SchemaObject, 'oneOf'> = {
  oneOf: [{ type: 'object', additionalProperties: true, nullable: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
};

/** Query of `GET /sessions`; `status` is checked by the service, which answers an unknown one with its own code. */
export class SessionsQuery {
  @ApiProperty({ enum: SESSION_STATUSES, example: 'waiting', description: '`waiting`: sessions whose current execution waits on a question' })
  @IsString()
  status!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: SESSIONS_MAX_LIMIT, default: SESSIONS_DEFAULT_LIMIT, description: 'Page size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SESSIONS_MAX_LIMIT)
  limit: number = SESSIONS_DEFAULT_LIMIT;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'How many sessions of the list to skip' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset = 0;
}

/** A session waiting on a question. */
export class WaitingSession {
  @ApiProperty({ example: 'a1b2c3', description: 'The `session_id`' })
  session_id!: string;

  @ApiProperty({ example: 'testing/interactive', description: 'The agent it runs on, below INTERACTIVE_BASE_PATH' })
  route!: string;

  @ApiProperty({
    ...ANY_JSON,
    description: 'The question as the action asked it (the payload of `waitForInput`, plus `error` when it is asked again after a refused answer)',
    example: { message: 'before I answer that give me your answer?' },
  })
  question!: unknown;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T12:00:05.000Z', description: 'When it was asked, ISO 8601 UTC' })
  asked_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 4, description: "The question's position in the session's log (the `seq` of its frame)" })
  seq!: number;
}

/** The body of `POST /sessions/{session_id}/input`: the socket's `chat` frame without its `type`. */
export class SessionInput {
  @ApiProperty({ example: '16', maxLength: MAX_ANSWER_LENGTH, description: 'The answer' })
  @IsString()
  @MaxLength(MAX_ANSWER_LENGTH)
  message!: string;

  @ApiPropertyOptional({ ...ANY_JSON, description: 'Anything the client adds to its answer, as JSON; `null` when absent', example: { source: 'email' } })
  @IsOptional()
  metadata?: unknown;
}

/** What `POST /sessions/{session_id}/input` accepted. */
export class AcceptedInput {
  @ApiProperty({ example: 'a1b2c3' })
  session_id!: string;

  @ApiProperty({ example: '16' })
  message!: string;

  @ApiProperty({ ...ANY_JSON, description: 'As sent, or `null`', example: null })
  metadata!: unknown;
}
