import { Inject, Injectable } from '@nestjs/common';
import { AgentRegistry } from '../agent/agent.registry';
import type { AuthUser } from '../auth/auth-user';
import { ChatError, ChatErrorCode } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationTranscript, type ConversationTurn } from '../conversation/conversation-transcript';
import { RecentReads } from '../conversation/recent-reads';
import { ConversationRepository } from '../history/conversation.repository';
import { HistoryRepository } from '../history/history.repository';
import { InteractError, InteractErrorCode } from './interact.error';
import type { InteractObject } from './interact-object';
import { platformTurns, type TurnProps } from './platform-turns';

const SYNC_TURNS = 100;
/** Characters of recent conversations' turns kept between turns (about 32 MB of strings at most). */
const RECENT_TURNS_CHARS = 16_000_000;

/** Admits an interactObject: its agent, bucket and identity are checked, the conversation claimed and described. */
@Injectable()
export class InteractService {
  private readonly reading = new Map<string, Promise<TurnProps[]>>();
  private readonly recent = new RecentReads<ConversationTurn[]>(RECENT_TURNS_CHARS, (turns) => turns.reduce((sum, turn) => sum + turn.content.length, 0));

  constructor(
    private readonly agents: AgentRegistry,
    private readonly history: HistoryRepository,
    private readonly conversations: ConversationRepository,
    private readonly transcript: ConversationTranscript,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A conversation named on the upgrade (to replay it with `after`) must be the caller's. */
  async assertOwner(user: AuthUser, convoId: string): Promise<void> {
    if ((await this.history.findOwner(convoId)) !== user.sub) throw forbidden();
  }

  /**
   * Everything is checked before anything is stored; a refusal throws a coded error. A recorded turn claims
   * the conversation and stores its bucket and client data; an unrecorded one only checks that it may.
   */
  async admit(user: AuthUser, object: InteractObject): Promise<void> {
    this.agents.get(object.agentId);
    if (!this.config.interact.buckets.includes(object.bucket)) {
      throw new InteractError(InteractErrorCode.UnknownBucket, `bucket must be one of: ${this.config.interact.buckets.join(', ')}`);
    }
    for (const claimed of [object.agentData?.ownerID, object.agentData?.userID]) {
      // Identity comes from the token; a body naming someone else is refused rather than believed.
      if (claimed !== undefined && claimed !== user.sub) {
        throw new InteractError(InteractErrorCode.IdentityMismatch, 'agentData.ownerID and userID must be your own user id (the token subject) or absent');
      }
    }
    if (!object.record) {
      await this.assertNotForeign(user, object.convoId);
      return;
    }
    const owner = await this.history.claimChat(object.convoId, user.sub);
    if (owner !== user.sub) throw forbidden();
    // Client data accumulates: a prompt without lightConvoData keeps what an earlier one gave.
    const stored = object.lightConvoData ? ((await this.conversations.find(object.convoId))?.convoData ?? {}) : undefined;
    const convoData = object.lightConvoData ? { ...stored, ...object.lightConvoData } : undefined;
    await this.conversations.describe(object.convoId, { bucket: object.bucket, convoData });
  }

  /** Another user's conversation is refused; one that does not exist yet is nobody's. */
  async assertNotForeign(user: AuthUser, convoId: string): Promise<void> {
    const owner = await this.history.findOwner(convoId);
    if (owner !== null && owner !== user.sub) throw forbidden();
  }

  /**
   * The conversation up to seq `upTo`, in the platform's TurnProps. Every connection following a conversation
   * asks for the same seq at the same turn end: one read serves them all (what precedes a seq never changes).
   */
  turns(convoId: string, upTo: number): Promise<TurnProps[]> {
    const key = `${convoId}\u0000${upTo}`;
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.readTurns(convoId, upTo).then(platformTurns);
      this.reading.set(key, reading);
      void reading.catch(() => undefined).finally(() => this.reading.delete(key));
    }
    return reading;
  }

  private async readTurns(convoId: string, upTo: number): Promise<ConversationTurn[]> {
    const since = this.recent.before(convoId, upTo);
    const turns = await this.transcript.turns(convoId, SYNC_TURNS, upTo, since && { seq: since.seq, turns: since.value });
    this.recent.keep(convoId, upTo, turns);
    return turns;
  }
}

function forbidden(): ChatError {
  return new ChatError(ChatErrorCode.Forbidden, 'This conversation cannot be opened with your token');
}
