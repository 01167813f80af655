import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApprovalErrorCode } from '../conversation/approval.error';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED, BAD_PATH_ESCAPE, DATABASE_DOWN, INVALID_FIELDS, JSON_BODY, LOG_UNAVAILABLE } from '../openapi/api-errors';
import { ApprovalDecided, ApprovalDecisionBody, ApprovalsQuery, PendingApproval } from './approvals.dto';
import { ApprovalsService } from './approvals.service';

@ApiTags('approvals')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's tool calls that wait for a decision, over all their chats, oldest first",
    description: 'Decide one with `POST /approvals/{approval_id}`, or on a socket following the chat (`approve` / `reject`, interact `approval`).',
  })
  @ApiOkResponse({ type: [PendingApproval], description: 'Every call waiting for a decision' })
  @ApiErrorResponses(
    AUTHENTICATED,
    { status: 400, description: '`status` is not one this API knows', codes: [ApprovalErrorCode.UnknownStatus] },
    INVALID_FIELDS,
    DATABASE_DOWN,
  )
  listApprovals(@CurrentUser() user: AuthUser, @Query() query: ApprovalsQuery): Promise<PendingApproval[]> {
    return this.approvals.list(user, query);
  }

  @Post(':approval_id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Approves or rejects a tool call waiting for a decision, from any instance',
    description:
      'Answers once the waiting run has stored the decision (`approval_result` on the sockets follows). Approved, the call runs; ' +
      'rejected, the model reads `The user rejected this call: <reason>` instead of a result.',
  })
  @ApiParam({ name: 'approval_id', description: 'From `approval_request` or `GET /approvals`', schema: { type: 'string', minLength: 1, maxLength: 128 } })
  @ApiOkResponse({ type: ApprovalDecided, description: 'The run has the decision, stored' })
  @ApiErrorResponses(
    AUTHENTICATED,
    JSON_BODY,
    BAD_PATH_ESCAPE,
    { status: 404, description: "No call waits for this approval, or it is another user's", codes: [ApprovalErrorCode.Unknown] },
    { status: 409, description: 'The call was decided already (or timed out, APPROVAL_TIMEOUT_MS)', codes: [ApprovalErrorCode.AlreadyDecided] },
    LOG_UNAVAILABLE,
    DATABASE_DOWN,
  )
  decideApproval(@CurrentUser() user: AuthUser, @Param('approval_id') approvalId: string, @Body() body: ApprovalDecisionBody): Promise<ApprovalDecided> {
    return this.approvals.decide(user, approvalId, body);
  }
}
