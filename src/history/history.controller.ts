import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CHAT_ID_PATTERN } from '../chat/chat.error';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED, BAD_PATH_ESCAPE, DATABASE_DOWN, INVALID_CHAT_ID, INVALID_FIELDS } from '../openapi/api-errors';
import { HistoryEntry } from './history-entry.dto';
import { HistoryQuery } from './history-query.dto';
import { HistoryService } from './history.service';

export const NEXT_BEFORE_HEADER = 'X-Next-Before';

@ApiTags('history')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get(':chat_id')
  @ApiOperation({
    summary: "A chat's messages and agent steps, oldest first, newest page by default",
    description: "An unknown chat and another user's chat both answer `200 []`, exactly like a chat with no messages.",
  })
  @ApiParam({
    name: 'chat_id',
    description: '1–128 characters of letters, digits, _ . : or -',
    schema: { type: 'string', minLength: 1, maxLength: 128, pattern: CHAT_ID_PATTERN.source, example: 'chat_id47' },
  })
  @ApiOkResponse({
    type: [HistoryEntry],
    description: 'The page, oldest first; empty for an unknown chat or one that belongs to another user',
    headers: {
      [NEXT_BEFORE_HEADER]: {
        description: 'Present when older items exist: pass it as `before` to get the previous page',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  })
  @ApiErrorResponses(AUTHENTICATED, INVALID_CHAT_ID, INVALID_FIELDS, BAD_PATH_ESCAPE, DATABASE_DOWN)
  async getHistory(
    @CurrentUser() user: AuthUser,
    @Param('chat_id') chatId: string,
    @Query() query: HistoryQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HistoryEntry[]> {
    const page = await this.history.page(user.sub, chatId, { limit: query.limit, before: query.before });
    if (page.nextBefore !== null) res.setHeader(NEXT_BEFORE_HEADER, String(page.nextBefore));
    return page.items;
  }
}
