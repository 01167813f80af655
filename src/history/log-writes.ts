import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import type { StoredChatEvent } from './history.repository';
import { PostgresLogWrites } from './postgres-log-writes';
import { SqliteLogWrites } from './sqlite-log-writes';

/**
 * The event log's one hot statement, written for each driver rather than through the query builder:
 * it runs once or twice per turn step, and the builder cost more CPU than the database did. Either way
 * the chat's fence is checked and its row updated in the same transaction as the events are inserted.
 */
export interface LogWrites {
  /** False (nothing stored) when a newer lease fenced `fence` out. */
  write(chatId: string, fence: number, events: StoredChatEvent[], activeRun: string | null | undefined): Promise<boolean>;
}

export function logWritesFor(db: DataSource): LogWrites {
  const driver = db.driver as unknown as { databaseConnection?: Database; master?: Pool };
  if (db.options.type === 'better-sqlite3') return new SqliteLogWrites(driver.databaseConnection!);
  return new PostgresLogWrites(driver.master!);
}

export type WriteArgs = [chatId: string, fence: number, events: StoredChatEvent[], activeRun: string | null | undefined];

export interface QueuedWrite {
  args: WriteArgs;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the writes asked for in one turn of the event loop (many chats' delta flushes and appends under load) and
 * hands them to `store` together on the next: a statement or a commit per chat cost more than its rows.
 */
export class LoopTurnBatch {
  private queued: QueuedWrite[] | null = null;

  constructor(private readonly store: (queued: QueuedWrite[]) => void) {}

  add(args: WriteArgs): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (!this.queued) {
        this.queued = [];
        setImmediate(() => {
          const queued = this.queued ?? [];
          this.queued = null;
          this.store(queued);
        });
      }
      this.queued.push({ args, resolve, reject });
    });
  }
}
