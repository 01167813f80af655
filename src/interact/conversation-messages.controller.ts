import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CHAT_ID_PATTERN } from '../chat/chat.error';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED, BAD_PATH_ESCAPE, DATABASE_DOWN, INVALID_CHAT_ID } from '../openapi/api-errors';
import { ConversationMessage } from './conversation-messages.dto';
import { ConversationMessages, MAX_TRANSCRIPT_MESSAGES } from './conversation-messages';

@ApiTags('operators')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('conversations')
export class ConversationMessagesController {
  constructor(private readonly messages: ConversationMessages) {}

  @Get(':id/messages')
  @ApiOperation({
    summary: "A conversation's messages: the user's, the agent's answers and operators' replies, oldest first",
    description:
      `For the conversation's owner and for operators (OPERATOR_ROLE), the newest ${MAX_TRANSCRIPT_MESSAGES}. ` +
      "An unknown conversation and another user's both answer `200 []`, like one with no messages.",
  })
  @ApiParam({
    name: 'id',
    description: 'The `convoId` (or chat id): 1–128 characters of letters, digits, _ . : or -',
    schema: { type: 'string', minLength: 1, maxLength: 128, pattern: CHAT_ID_PATTERN.source, example: 'convo-42' },
  })
  @ApiOkResponse({ type: [ConversationMessage], description: "The messages, oldest first; empty for an unknown conversation or another user's" })
  @ApiErrorResponses(AUTHENTICATED, INVALID_CHAT_ID, BAD_PATH_ESCAPE, DATABASE_DOWN)
  getConversationMessages(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<ConversationMessage[]> {
    return this.messages.read(user, id);
  }
}
