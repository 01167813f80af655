import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one JSON shape of every HTTP error, REST routes and refused WebSocket upgrades alike. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 401, description: 'The HTTP status, repeated' })
  statusCode!: number;

  @ApiProperty({
    example: 'auth.token_expired',
    description: 'Stable machine-readable code; each response of this document lists the codes it can carry (see README "Errors")',
  })
  code!: string;

  @ApiProperty({ example: 'The token expired at 2026-11-21T10:00:00.000Z', description: 'What went wrong, safe to show a user' })
  message!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['task must be a string'],
    description: 'Per-field problems of a bad request (`validation_failed`, `agent.unknown_agent`)',
  })
  details?: string[];

  @ApiPropertyOptional({ example: '5f0c…', description: 'Echo of X-Request-Id, for finding the request in the logs' })
  requestId?: string;
}
