import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../common/error-response.dto';
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
  @ApiParam({ name: 'chat_id', example: 'chat_id47', description: '1–128 characters of letters, digits, _ . : or -' })
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
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid chat_id (`chat.invalid_id`) or query (`validation_failed`)' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing, malformed, expired or untrusted token' })
  async list(
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
