import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteCheckpointer } from '../src/database/sqlite-checkpointer';
import { startTestApp, type TestApp } from './support/test-app';

const COMMITS = 2000;

describe('SQLite WAL checkpoints run on a worker thread, off the event loop', () => {
  let t: TestApp;
  let connection: Database;
  let walFile: string;

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.app.get(DataSource);
    connection = (db.driver as unknown as { databaseConnection: Database }).databaseConnection;
    walFile = `${db.options.database as string}-wal`;
  });
  afterAll(() => t.close());

  /** One small transaction per row, as the log's writes are: each commit appends pages to the WAL. */
  function commitRows(from: number): void {
    const insert = connection.prepare('INSERT INTO chats (id, owner_id, last_seq, created_at_ms, writer_fence) VALUES (?, ?, 0, 0, 0)');
    for (let i = from; i < from + COMMITS; i++) insert.run(`checkpoint-${i}`, 'alice');
  }

  it("leaves the server's connection checkpointing only far behind, and keeps the WAL from growing", async () => {
    expect(t.app.get(SqliteCheckpointer).inBackground).toBe(true);
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);

    commitRows(0);
    const grown = statSync(walFile).size;
    // Thousands of pages, far below the connection's own threshold: only the worker can have copied them back.
    expect(grown).toBeGreaterThan(1000 * 4096);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    commitRows(COMMITS);
    // Checkpointed in full, the WAL is written again from its start rather than appended to.
    expect(statSync(walFile).size).toBeLessThanOrEqual(grown * 1.1);
    expect(connection.prepare('SELECT count(*) AS n FROM chats WHERE id LIKE ?').get('checkpoint-%')).toEqual({ n: 2 * COMMITS });
  });
});
