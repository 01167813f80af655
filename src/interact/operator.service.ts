import { Injectable } from '@nestjs/common';
import { assertChatId, ChatError, ChatErrorCode } from '../chat/chat.error';
import { ConversationService } from '../conversation/conversation.service';
import { ConversationRepository } from '../history/conversation.repository';
import type { ConversationSummary, OperatorReplyResult, ReleaseResult } from './operator.dto';

const LIST_LIMIT = 500;

/** What a human operator does with handed-off conversations: list them, reply, hand them back. */
@Injectable()
export class OperatorService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly service: ConversationService,
  ) {}

  async list(status: 'handoff' | 'active'): Promise<ConversationSummary[]> {
    const found = await this.conversations.listByStatus(status, LIST_LIMIT);
    return found.map((convo) => ({
      convoId: convo.id,
      ownerId: convo.ownerId,
      status: convo.status,
      bucket: convo.bucket,
      lightConvoData: convo.convoData,
      createdAt: convo.createdAt.toISOString(),
    }));
  }

  async reply(convoId: string, operatorId: string, content: string): Promise<OperatorReplyResult> {
    await this.existing(convoId);
    const message = await this.service.operatorReply(convoId, operatorId, content);
    return { convoId, content: message.content, timestamp: message.at };
  }

  async release(convoId: string, operatorId: string): Promise<ReleaseResult> {
    await this.existing(convoId);
    await this.service.handBack(convoId, operatorId);
    return { convoId, status: 'active' };
  }

  private async existing(convoId: string): Promise<void> {
    // The same rule as the convoId of an interactObject: no conversation can have any other id.
    assertChatId(convoId);
    if (!(await this.conversations.status(convoId))) throw new ChatError(ChatErrorCode.NotFound, 'No conversation with this id');
  }
}
