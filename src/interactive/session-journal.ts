import type { JournalKind, JournalRecord } from '../history/chat-log';

export type JournalWriter = (record: JournalRecord) => Promise<void>;

/**
 * Record and replay for one interactive execution. Each context call takes the next ordinal of its kind;
 * if the journal already holds that step (the execution is being resumed) its recorded data is returned
 * and nothing is redone, otherwise the step runs live and is written before its effect is visible.
 */
export class SessionJournal {
  private readonly next = new Map<JournalKind, number>();
  private readonly recorded = new Map<string, unknown>();

  constructor(
    readonly executionId: string,
    past: JournalRecord[],
    private readonly writer: JournalWriter,
  ) {
    for (const record of past) this.recorded.set(key(record.kind, record.ordinal), record.data);
  }

  /** The ordinal this call gets; every call of a kind must take exactly one, in order. */
  take(kind: JournalKind): number {
    const ordinal = this.next.get(kind) ?? 0;
    this.next.set(kind, ordinal + 1);
    return ordinal;
  }

  has(kind: JournalKind, ordinal: number): boolean {
    return this.recorded.has(key(kind, ordinal));
  }

  get<T>(kind: JournalKind, ordinal: number): T {
    return this.recorded.get(key(kind, ordinal)) as T;
  }

  async write(kind: JournalKind, ordinal: number, data: unknown): Promise<void> {
    await this.writer({ executionId: this.executionId, kind, ordinal, data });
    this.recorded.set(key(kind, ordinal), data);
  }
}

const key = (kind: JournalKind, ordinal: number) => `${kind}:${ordinal}`;
