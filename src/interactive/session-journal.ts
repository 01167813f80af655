import type { JournalKind, JournalRecord } from '../history/chat-log';

/** What a step's run event says beyond the record: when a question with a timeout expires. */
export interface StepExtras {
  expiresAt?: number;
}

export type JournalWriter = (record: JournalRecord, extras?: StepExtras) => Promise<void>;

/**
 * Record and replay for one interactive execution. Each context call takes the next ordinal of its kind;
 * if the journal already holds that step (the execution is being resumed) its recorded data is returned
 * and nothing is redone, otherwise the step runs live and is written before its effect is visible.
 *
 * The journal is append-only. A step written again under an ordinal it already holds (the code now asks a
 * different question there, after a deploy) supersedes it: the execution took another path from that point,
 * so every step recorded after the superseded one is forgotten. Loading applies the same rule in log order,
 * so a later resume sees exactly what the live execution saw.
 */
export class SessionJournal {
  private readonly next = new Map<JournalKind, number>();
  /** In the order recorded, which is what "after" means for a superseded step. */
  private readonly recorded = new Map<string, unknown>();
  /** Steps read from the `journal` entries of before executions ran as runs (see `isLegacy`). */
  private readonly legacy = new Set<string>();

  constructor(
    readonly executionId: string,
    past: Array<JournalRecord & { legacy?: true }>,
    private readonly writer: JournalWriter,
  ) {
    for (const record of past) {
      this.record(record.kind, record.ordinal, record.data);
      if (record.legacy) this.legacy.add(key(record.kind, record.ordinal));
    }
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

  /** A question recorded the old way is recorded again as a run event when it is still waited on, so it is listed. */
  isLegacy(kind: JournalKind, ordinal: number): boolean {
    return this.legacy.has(key(kind, ordinal));
  }

  get<T>(kind: JournalKind, ordinal: number): T {
    return this.recorded.get(key(kind, ordinal)) as T;
  }

  /** Records a step; one already recorded under this ordinal is superseded (see above). */
  async write(kind: JournalKind, ordinal: number, data: unknown, logged?: JournalWriter | null, extras?: StepExtras): Promise<void> {
    const record = { executionId: this.executionId, kind, ordinal, data };
    // `logged`: the step is logged another way than its plain run event (an `addMessage` is the history entry itself).
    await (logged ?? this.writer)(record, extras);
    this.record(kind, ordinal, data);
  }

  private record(kind: JournalKind, ordinal: number, data: unknown): void {
    const recordKey = key(kind, ordinal);
    if (this.recorded.has(recordKey)) {
      const keys = [...this.recorded.keys()];
      for (const stale of keys.slice(keys.indexOf(recordKey))) this.recorded.delete(stale);
    }
    this.legacy.delete(recordKey);
    this.recorded.set(recordKey, data);
  }
}

const key = (kind: JournalKind, ordinal: number) => `${kind}:${ordinal}`;
