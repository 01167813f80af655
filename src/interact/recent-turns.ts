import type { ConversationTurn } from '../conversation/conversation-transcript';

interface Kept {
  upTo: number;
  turns: ConversationTurn[];
  chars: number;
}

/**
 * The last turns of recently active conversations, as last read up to some seq. Every /interact turn ends with the
 * conversation so far (`metadata.turns`, up to 100 messages); kept here, the next turn's read takes only what the
 * log gained since (the log is append-only: what precedes a seq never changes) instead of up to 500 entries with
 * every answer's text. Bounded by the characters held, least recently used first out.
 */
export class RecentTurns {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  constructor(private readonly budgetChars: number) {}

  /** The kept turns of `convoId` when they end at or before `upTo`. */
  before(convoId: string, upTo: number): { seq: number; turns: ConversationTurn[] } | undefined {
    const kept = this.kept.get(convoId);
    if (!kept || kept.upTo > upTo) return undefined;
    // Used again: to the back of the eviction order.
    this.kept.delete(convoId);
    this.kept.set(convoId, kept);
    return { seq: kept.upTo, turns: kept.turns };
  }

  keep(convoId: string, upTo: number, turns: ConversationTurn[]): void {
    const earlier = this.kept.get(convoId);
    if (earlier && earlier.upTo >= upTo) return;
    const chars = turns.reduce((sum, turn) => sum + turn.content.length, 0);
    if (chars > this.budgetChars) return;
    if (earlier) this.forget(convoId, earlier);
    this.kept.set(convoId, { upTo, turns, chars });
    this.chars += chars;
    for (const [oldest, kept] of this.kept) {
      if (this.chars <= this.budgetChars) break;
      this.forget(oldest, kept);
    }
  }

  private forget(convoId: string, kept: Kept): void {
    this.kept.delete(convoId);
    this.chars -= kept.chars;
  }
}
