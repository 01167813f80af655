import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';

/**
 * The turn figure's baseline: ROWS rows of the event log's shape written by the raw driver, one INSERT
 * statement (and so one transaction) per row, one after the other, as fast as possible. SQLite in WAL mode
 * as the gateway opens it; PostgreSQL on DATABASE_URL. Prints `{"rows","ms","cpuMs"}` and exits; its own
 * CPU count leaves out Node's start-up, which the gateway's per-turn figure does not pay either.
 */
const rows = Number(process.env.ROWS);
const payload = JSON.stringify({ text: 'x'.repeat(Math.max(0, Number(process.env.PAYLOAD_CHARS) - 12)) });
const TABLE = `CREATE TABLE scratch_events (chat_id varchar(128) NOT NULL, seq integer NOT NULL, run_id varchar(64), type varchar(64) NOT NULL,
  payload text NOT NULL, created_at_ms bigint NOT NULL, PRIMARY KEY (chat_id, seq))`;

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  if (process.env.DATABASE_URL) await postgres(process.env.DATABASE_URL);
  else sqlite();
  const { user, system } = process.cpuUsage(cpu);
  console.log(JSON.stringify({ rows, ms: performance.now() - started, cpuMs: (user + system) / 1000 }));
}

function sqlite(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(TABLE);
  const insert = db.prepare('INSERT INTO scratch_events VALUES (?, ?, ?, ?, ?, ?)');
  for (let seq = 1; seq <= rows; seq++) insert.run('chat', seq, 'run', 'step.finished', payload, Date.now());
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function postgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(TABLE);
  for (let seq = 1; seq <= rows; seq++) {
    await client.query('INSERT INTO scratch_events VALUES ($1, $2, $3, $4, $5, $6)', ['chat', seq, 'run', 'step.finished', payload, Date.now()]);
  }
  await client.end();
}

void main();
