import Database from 'better-sqlite3';
import type { Target } from './targets';
import { withClient } from './postgres';

/** The gateway's event log (src/history/chat-event.entity.ts): one row per logged event of a chat. */
export const EVENT_TABLE = 'chat_events';

export interface LogSize {
  rows: number;
  /** Mean payload length, so the raw-driver baseline writes rows of the same size. */
  payloadChars: number;
}

/** Read from this process while the server runs: SQLite in WAL mode lets a reader in beside the writer. */
export async function logSize(target: Target): Promise<LogSize> {
  const sql = `SELECT count(*) AS rows, coalesce(avg(length(payload)), 0) AS chars FROM ${EVENT_TABLE}`;
  const database = target.database;
  if (!database) throw new Error(`${target.name} has no event log`);
  if (database.kind === 'sqlite') {
    const db = new Database(database.file, { readonly: true });
    try {
      const row = db.prepare(sql).get() as { rows: number; chars: number };
      return { rows: row.rows, payloadChars: row.chars };
    } finally {
      db.close();
    }
  }
  const result = await withClient(database.url, (client) => client.query<{ rows: string; chars: string }>(sql));
  return { rows: Number(result.rows[0]!.rows), payloadChars: Number(result.rows[0]!.chars) };
}
