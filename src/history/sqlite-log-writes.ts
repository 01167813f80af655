import { performance } from 'node:perf_hooks';
import type { Database, Statement } from 'better-sqlite3';
import type { StoredChatEvent } from './history.repository';
import { LoopTurnBatch, type LogWrites, type QueuedWrite, type WriteArgs } from './log-writes';

type Outcome = { stored: boolean } | { error: unknown };

/**
 * The writes asked for in one turn of the event loop are stored together, in transactions of at most SLICE_MS, each
 * chat's in a savepoint of its own: one chat's failure rolls back only its rows and fails only its write. A commit per
 * chat wrote the same index and table pages to the WAL again and again.
 */
export class SqliteLogWrites implements LogWrites {
  private readonly updates = new Map<string, Statement>();
  /** `inserts[n - 1]` stores n rows in one statement, prepared when first needed. */
  private readonly inserts: Statement[] = [];
  private readonly one: (...args: WriteArgs) => boolean;
  private readonly all: (queued: QueuedWrite[]) => Outcome[];
  private readonly batch = new LoopTurnBatch((queued) => this.writeQueued(queued));

  constructor(private readonly db: Database) {
    // Called inside `all`'s transaction, better-sqlite3 makes this one a savepoint.
    this.one = db.transaction((...args: WriteArgs) => this.writeNow(...args));
    this.all = db.transaction((queued: QueuedWrite[]) => {
      const outcomes: Outcome[] = [];
      const until = performance.now() + SLICE_MS;
      for (const { args } of queued) {
        try {
          outcomes.push({ stored: this.one(...args) });
        } catch (error) {
          // SQLite rolled the whole transaction back itself (a full disk, an I/O error): the rest must not go on
          // outside it, one autocommit at a time, so the batch fails as one and nothing of it is stored.
          if (!this.db.inTransaction) throw error;
          outcomes.push({ error });
        }
        if (performance.now() >= until) break;
      }
      return outcomes;
    });
  }

  write(...args: WriteArgs): Promise<boolean> {
    // Inside someone else's transaction (a start-up seed) the write is part of it, at once.
    if (this.db.inTransaction) {
      try {
        return Promise.resolve(this.writeNow(...args));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return this.batch.add(args);
  }

  /** As many of the writes as fit in a slice, in one transaction; the rest after the loop has served its sockets. */
  private writeQueued(queued: QueuedWrite[]): void {
    let outcomes: Outcome[];
    try {
      // A write alone is a transaction of its own: no savepoint to open and release around it.
      outcomes = queued.length === 1 ? [this.alone(queued[0]!.args)] : this.all(queued);
    } catch (error) {
      // The commit itself failed (the disk, a lock held too long): nothing of it was stored.
      for (const write of queued) write.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      if ('error' in outcome) queued[index]!.reject(outcome.error);
      else queued[index]!.resolve(outcome.stored);
    });
    if (outcomes.length < queued.length) setImmediate(() => this.writeQueued(queued.slice(outcomes.length)));
  }

  private alone(args: WriteArgs): Outcome {
    try {
      return { stored: this.one(...args) };
    } catch (error) {
      return { error };
    }
  }

  private writeNow(chatId: string, fence: number, events: StoredChatEvent[], activeRun: string | null | undefined): boolean {
    const sets = ['writer_fence = @fence'];
    if (events.length > 0) sets.push('last_seq = @lastSeq');
    if (activeRun !== undefined) sets.push('active_run = @activeRun');
    const sql = `UPDATE chats SET ${sets.join(', ')} WHERE id = @chatId AND writer_fence <= @fence`;
    let update = this.updates.get(sql);
    if (!update) this.updates.set(sql, (update = this.db.prepare(sql)));
    const { changes } = update.run({ chatId, fence, lastSeq: events.at(-1)?.seq ?? null, activeRun: activeRun ?? null });
    if (changes === 0) return false;
    for (let from = 0; from < events.length; from += INSERT_ROWS_MAX) {
      const rows = events.slice(from, from + INSERT_ROWS_MAX);
      const values: unknown[] = [];
      for (const event of rows) values.push(chatId, event.seq, event.runId, event.type, JSON.stringify(event.payload ?? null), event.createdAt.getTime());
      this.insertOf(rows.length).run(values);
    }
    return true;
  }

  private insertOf(rows: number): Statement {
    return (this.inserts[rows - 1] ??= this.db.prepare(`${INSERT_EVENTS} ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`));
  }
}

/**
 * How long one transaction may keep adding writes: the loop is blocked meanwhile, and with a thousand streams a loop
 * turn can gather hundreds of delta flushes (timers that fell due together while the loop was busy), whose tokens
 * would all wait behind one long write.
 */
const SLICE_MS = 2;

const INSERT_EVENTS = 'INSERT INTO chat_events (chat_id, seq, run_id, type, payload, created_at_ms) VALUES';
/**
 * Rows per INSERT: a batch of deltas is a few statements rather than one per row (each statement's binding and
 * step cost more than the row), and at most 64 statements are ever prepared (384 parameters, far below SQLite's limit).
 */
const INSERT_ROWS_MAX = 64;
