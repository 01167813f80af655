import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CHAT_ID_PATTERN } from '../chat/chat.error';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import {
  AUTHENTICATED,
  BAD_PATH_ESCAPE,
  CONVERSATION_NOT_FOUND,
  DATABASE_DOWN,
  INVALID_CHAT_ID,
  INVALID_FIELDS,
  JSON_BODY,
  LOG_UNAVAILABLE,
  NOT_HANDED_OFF,
  OPERATOR_ONLY,
  UNPARSABLE_BODY,
} from '../openapi/api-errors';
import { ConversationQuery, ConversationSummary, OperatorReply, OperatorReplyResult, ReleaseResult } from './operator.dto';
import { OperatorGuard } from './operator.guard';
import { OperatorService } from './operator.service';

const OPERATOR_ROUTE = [...AUTHENTICATED, OPERATOR_ONLY, DATABASE_DOWN];
/** What every route on one conversation can answer besides its own success. */
const ON_A_CONVERSATION = [...OPERATOR_ROUTE, INVALID_CHAT_ID, BAD_PATH_ESCAPE, CONVERSATION_NOT_FOUND, NOT_HANDED_OFF, LOG_UNAVAILABLE];

const ConvoIdParam = () =>
  ApiParam({
    name: 'id',
    description: 'The `convoId` of the /interact conversation: 1–128 characters of letters, digits, _ . : or -',
    schema: { type: 'string', minLength: 1, maxLength: 128, pattern: CHAT_ID_PATTERN.source, example: 'convo-42' },
  });

@ApiTags('operators')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, OperatorGuard)
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly operators: OperatorService) {}

  @Get()
  @ApiOperation({ summary: 'Conversations by status; handed-off ones (the default) wait for an operator' })
  @ApiOkResponse({ type: [ConversationSummary], description: 'Up to 500 conversations with the status asked for' })
  @ApiErrorResponses(OPERATOR_ROUTE, INVALID_FIELDS)
  listConversations(@Query() query: ConversationQuery): Promise<ConversationSummary[]> {
    return this.operators.list(query.status);
  }

  @Post(':id/messages')
  @ApiOperation({ summary: "Reply as an operator; the reply reaches the conversation's connected /interact clients as a turn of chunks" })
  @ConvoIdParam()
  @ApiCreatedResponse({ type: OperatorReplyResult, description: 'The reply, as stored and sent to the connected clients' })
  @ApiErrorResponses(ON_A_CONVERSATION, JSON_BODY)
  replyToConversation(@Param('id') id: string, @Body() body: OperatorReply, @CurrentUser() user: AuthUser): Promise<OperatorReplyResult> {
    return this.operators.reply(id, user.sub, body.content);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand the conversation back to the agent', description: 'Takes no body; one sent as JSON must still parse.' })
  @ConvoIdParam()
  @ApiOkResponse({ type: ReleaseResult, description: 'The conversation is active again: the agent answers its next messages' })
  @ApiErrorResponses(ON_A_CONVERSATION, UNPARSABLE_BODY)
  releaseConversation(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<ReleaseResult> {
    return this.operators.release(id, user.sub);
  }
}
