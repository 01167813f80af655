import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one JSON shape of every HTTP error, REST routes and refused WebSocket upgrades alike. */
export class ErrorResponse {
  @ApiProperty({ example: 401 })
  statusCode!: number;

  @ApiProperty({ example: 'auth.token_expired', description: 'Stable machine-readable code; see README "Errors"' })
  code!: string;

  @ApiProperty({ example: 'The token expired at 2026-11-21T10:00:00.000Z' })
  message!: string;

  @ApiPropertyOptional({ type: [String], example: ['task must be a string'], description: 'Per-field problems of a bad request' })
  details?: string[];

  @ApiPropertyOptional({ example: '5f0c…', description: 'Echo of X-Request-Id, for finding the request in the logs' })
  requestId?: string;
}
