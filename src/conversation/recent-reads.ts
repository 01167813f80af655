interface Kept<T> {
  upTo: number;
  value: T;
  chars: number;
}

/**
 * What was last read of recently active chats' logs, up to some seq: a transcript's turns, the model's memory. Each
 * turn reads these again (every /interact turn ends with the conversation so far, every run starts with the
 * model's memory); kept here, the next read takes only what the log gained since (the log is append-only: what
 * precedes a seq never changes) instead of hundreds of entries with every answer's text. Bounded by the characters
 * held, least recently used first out.
 */
export class RecentReads<T> {
  private readonly kept = new Map<string, Kept<T>>();
  private chars = 0;

  constructor(
    private readonly budgetChars: number,
    /** The characters `value` holds, roughly. */
    private readonly sizeOf: (value: T) => number,
  ) {}

  /** What was kept of `convoId` when it was read up to `upTo` or before. */
  before(convoId: string, upTo: number): { seq: number; value: T } | undefined {
    const kept = this.kept.get(convoId);
    if (!kept || kept.upTo > upTo) return undefined;
    // Used again: to the back of the eviction order.
    this.kept.delete(convoId);
    this.kept.set(convoId, kept);
    return { seq: kept.upTo, value: kept.value };
  }

  keep(convoId: string, upTo: number, value: T): void {
    const earlier = this.kept.get(convoId);
    if (earlier && earlier.upTo >= upTo) return;
    const chars = this.sizeOf(value);
    if (chars > this.budgetChars) return;
    if (earlier) this.forget(convoId, earlier);
    this.kept.set(convoId, { upTo, value, chars });
    this.chars += chars;
    for (const [oldest, kept] of this.kept) {
      if (this.chars <= this.budgetChars) break;
      this.forget(oldest, kept);
    }
  }

  private forget(convoId: string, kept: Kept<T>): void {
    this.kept.delete(convoId);
    this.chars -= kept.chars;
  }
}
