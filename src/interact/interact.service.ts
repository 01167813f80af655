import { Inject, Injectable } from '@nestjs/common';
import { AgentRegistry } from '../agent/agent.registry';
import { AgentError, AgentErrorCode } from '../agent/agent.error';
import type { AuthUser } from '../auth/auth-user';
import { ChatError, ChatErrorCode } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationTranscript, type ConversationTurn } from '../conversation/conversation-transcript';
import { ConversationRepository } from '../history/conversation.repository';
import { HistoryRepository } from '../history/history.repository';
import { InteractError, InteractErrorCode } from './interact.error';
import type { InteractObject } from './interact.protocol';

const SYNC_TURNS = 100;

/** Admits an interactObject: its agent, bucket and identity are checked, the conversation claimed and described. */
@Injectable()
export class InteractService {
  constructor(
    private readonly agents: AgentRegistry,
    private readonly history: HistoryRepository,
    private readonly conversations: ConversationRepository,
    private readonly transcript: ConversationTranscript,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A conversation named on the upgrade (to replay it with `after`) must be the caller's. */
  async assertOwner(user: AuthUser, convoId: string): Promise<void> {
    if ((await this.history.findOwner(convoId)) !== user.sub) throw new ChatError(ChatErrorCode.Forbidden, 'This conversation cannot be opened with your token');
  }

  /** Everything is checked before anything is stored; a refusal throws a coded error. */
  async admit(user: AuthUser, object: InteractObject): Promise<void> {
    if (!this.agents.has(object.agentId)) throw new AgentError(AgentErrorCode.UnknownAgent, `No agent is registered as "${object.agentId}"`);
    if (!this.config.interact.buckets.includes(object.bucket)) {
      throw new InteractError(InteractErrorCode.UnknownBucket, `bucket must be one of: ${this.config.interact.buckets.join(', ')}`);
    }
    for (const claimed of [object.agentData?.ownerID, object.agentData?.userID]) {
      // Identity comes from the token; a body naming someone else is refused rather than believed.
      if (claimed !== undefined && claimed !== user.sub) {
        throw new InteractError(InteractErrorCode.IdentityMismatch, 'agentData.ownerID and userID must be your own user id (the token subject) or absent');
      }
    }
    const owner = await this.history.claimChat(object.convoId, user.sub);
    if (owner !== user.sub) throw new ChatError(ChatErrorCode.Forbidden, 'This conversation cannot be opened with your token');
    await this.conversations.describe(object.convoId, { bucket: object.bucket, convoData: object.lightConvoData ?? null });
  }

  /** The conversation up to seq `upTo`, as sync_chat_history shows it. */
  turns(convoId: string, upTo: number): Promise<ConversationTurn[]> {
    return this.transcript.turns(convoId, SYNC_TURNS, upTo);
  }
}
