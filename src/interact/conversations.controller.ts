import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../common/error-response.dto';
import { ConversationQuery, ConversationSummary, OperatorReply, OperatorReplyResult, ReleaseResult } from './operator.dto';
import { OperatorGuard } from './operator.guard';
import { OperatorService } from './operator.service';

@ApiTags('operators')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, OperatorGuard)
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or bad token' })
@ApiForbiddenResponse({ type: ErrorResponse, description: 'The token lacks the operator role (OPERATOR_ROLE)' })
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly operators: OperatorService) {}

  @Get()
  @ApiOperation({ summary: 'Conversations by status; handed-off ones (the default) wait for an operator' })
  @ApiOkResponse({ type: [ConversationSummary] })
  @ApiBadRequestResponse({ type: ErrorResponse })
  list(@Query() query: ConversationQuery): Promise<ConversationSummary[]> {
    return this.operators.list(query.status);
  }

  @Post(':id/messages')
  @ApiOperation({ summary: "Reply as an operator; the reply reaches the conversation's connected /interact clients as a turn of chunks" })
  @ApiCreatedResponse({ type: OperatorReplyResult })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The conversation is not handed off' })
  reply(@Param('id') id: string, @Body() body: OperatorReply, @CurrentUser() user: AuthUser): Promise<OperatorReplyResult> {
    return this.operators.reply(id, user.sub, body.content);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand the conversation back to the agent' })
  @ApiOkResponse({ type: ReleaseResult })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The conversation is not handed off' })
  release(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<ReleaseResult> {
    return this.operators.release(id, user.sub);
  }
}
