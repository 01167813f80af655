import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { ApprovalError, ApprovalErrorCode } from '../conversation/approval.error';
import { ConversationService } from '../conversation/conversation.service';
import { APPROVAL_STATUSES, type ApprovalDecided, type ApprovalDecisionBody, type ApprovalsQuery, type PendingApproval } from './approvals.dto';
import { PendingApprovalsRepository } from './pending-approvals.repository';

/** The approvals REST API: an owner's calls waiting for a decision, and decisions that reach the run wherever it runs. */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly repository: PendingApprovalsRepository,
    private readonly conversations: ConversationService,
  ) {}

  async list(user: AuthUser, query: ApprovalsQuery): Promise<PendingApproval[]> {
    if (!(APPROVAL_STATUSES as readonly string[]).includes(query.status)) {
      throw new ApprovalError(ApprovalErrorCode.UnknownStatus, `status must be one of: ${APPROVAL_STATUSES.join(', ')}`);
    }
    const rows = await this.repository.pending(user.sub);
    return rows.map((row) => ({
      approval_id: row.approvalId,
      chat_id: row.chatId,
      message_id: row.messageId,
      tool: row.tool,
      args: row.args,
      requested_at: row.requestedAt.toISOString(),
    }));
  }

  async decide(user: AuthUser, approvalId: string, body: ApprovalDecisionBody): Promise<ApprovalDecided> {
    // Another user's approval reads as unknown, as /history does, so ids cannot be probed.
    const request = await this.repository.find(user.sub, approvalId);
    if (!request) throw new ApprovalError(ApprovalErrorCode.Unknown, `No call waits for approval ${approvalId}`);
    const reason = body.reason ?? (body.approved ? 'approved' : 'rejected');
    await this.conversations.decide(request.chatId, approvalId, { approved: body.approved, reason, by: user.sub });
    return { approval_id: approvalId, chat_id: request.chatId, approved: body.approved, reason };
  }
}
