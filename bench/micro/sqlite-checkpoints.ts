import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * How long SQLite's WAL checkpoints stop the event loop, with them on the writing thread (SQLite's default, every
 * 1,000 pages) and on a worker (src/database/sqlite-checkpointer.ts). The load is the latency figure's storage:
 * 1,000 chats each committing a few rows twice a second, for 10 s.
 * `npx tsc -p tsconfig.bench.json && node dist-bench/bench/micro/sqlite-checkpoints.js`
 */
const CHATS = 1000;
const COMMITS_PER_TICK = 20;
const TICK_MS = 10;
const DURATION_MS = 10_000;

async function run(mode: 'thread' | 'worker'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-checkpoints-'));
  const file = join(dir, 'log.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE events (chat_id TEXT, seq INTEGER, payload TEXT, PRIMARY KEY (chat_id, seq))');
  let worker: Worker | null = null;
  if (mode === 'worker') {
    db.pragma('wal_autocheckpoint = 20000');
    const source = `const { workerData } = require('node:worker_threads'); const db = new (require(workerData.driver))(workerData.file);
      db.pragma('synchronous = NORMAL'); setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), 500);`;
    worker = new Worker(source, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file } });
  }
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?)');
  const commit = db.transaction((chat: string, seq: number) => {
    for (let row = 0; row < 3; row++) insert.run(chat, seq * 3 + row, '{"type":"text.delta","delta":"hello there"}');
  });
  const times: number[] = [];
  const started = Date.now();
  for (let n = 0; Date.now() - started < DURATION_MS; ) {
    for (let k = 0; k < COMMITS_PER_TICK; k++, n++) {
      const at = performance.now();
      commit(`chat-${n % CHATS}-0123456789abcdef`, Math.floor(n / CHATS));
      times.push(performance.now() - at);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await worker?.terminate();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  const quantile = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(2);
  const stalled = times.filter((time) => time > 5).reduce((sum, time) => sum + time, 0);
  return `${mode}: ${times.length} commits, p50 ${quantile(0.5)} ms, p99.9 ${quantile(0.999)} ms, max ${times.at(-1)!.toFixed(1)} ms, commits over 5 ms: ${stalled.toFixed(0)} ms in all`;
}

void (async () => {
  for (let round = 0; round < 2; round++) for (const mode of ['thread', 'worker'] as const) console.log(await run(mode));
})();
