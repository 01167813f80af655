import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const HISTORY_DEFAULT_LIMIT = 100;
export const HISTORY_MAX_LIMIT = 500;
/** Event seqs are 32-bit integer columns; a larger cursor would be a database error instead of a 400. */
const MAX_SEQ = 2_147_483_647;

/** Query of `GET /history/{chat_id}`; query strings arrive as text, hence `@Type(() => Number)`. */
export class HistoryQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: HISTORY_MAX_LIMIT,
    default: HISTORY_DEFAULT_LIMIT,
    description: 'How many items to return: the newest ones (before `before`, when given), oldest first',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit: number = HISTORY_DEFAULT_LIMIT;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_SEQ,
    description: 'Cursor for the previous page: the `X-Next-Before` header of the page you have. Only older items are returned.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  before?: number;
}
