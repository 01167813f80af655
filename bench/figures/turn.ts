import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { logSize } from '../support/event-log';
import { PinnedProcess } from '../support/pinned-process';
import { createDatabase, dropDatabase, withClient } from '../support/postgres';
import { CHAT, StreamClient, type ClientProtocol } from '../support/stream-client';
import { benchToken, startGateway, withTarget } from '../support/targets';
import { inParallel, RowSet, type BenchContext, type Figure } from './figure';

/** /chat without ?stream=1: the documented frames only (agent_step per step, message_end). */
const PLAIN_CHAT: ClientProtocol = { ...CHAT, path: (id) => `/chat/${id}` };
const TOOL_STEPS = 3;
const WARM_UP_TURNS = 10;

/**
 * A turn of four model calls (three calculator steps, then a short answer) on /chat, `turnChats` chats at a
 * time each asking `turnsPerChat` turns in a row. Per turn: server CPU, event-log rows written and frames
 * received. The baseline writes the same number of rows, of the same mean size, with the raw driver.
 */
export const turn: Figure = async (context) => {
  const rows = new RowSet('turn');
  const databases: Array<'sqlite' | 'postgres'> = ['sqlite'];
  if (await postgresReachable(context.config.postgresUrl)) databases.push('postgres');
  else context.log(`PostgreSQL at ${context.config.postgresUrl} does not answer: the turn figure runs on SQLite only`);
  for (let run = 0; run < context.config.runs; run++) {
    for (const database of databases) {
      const result = await measure(context, database);
      const raw = await rawInsert(context, database, result.rows, result.payloadChars);
      // The raw driver wrote exactly the rows of all those turns: its CPU over the same turn count.
      const rawCpuPerTurn = raw.cpuMs / result.turns;
      context.log(`turn ${database}: ${result.turnsPerS.toFixed(1)} turns/s, ${result.cpuMsPerTurn.toFixed(2)} ms CPU/turn, raw driver ${Math.round(raw.rowsPerS)} rows/s`);
      rows.add(`turns/s, ${database}`, 'turns/s', result.turnsPerS);
      rows.add(`CPU per turn, ${database}`, 'ms', result.cpuMsPerTurn, { goal: { on: 'value', bound: 'max', limit: 5 } });
      rows.add(`CPU per turn, ${database}`, 'ms', rawCpuPerTurn, { baseline: 'raw driver, same rows' });
      rows.add(`log rows/s, ${database}`, 'rows/s', result.rows / result.seconds);
      rows.add(`log rows/s, ${database}`, 'rows/s', raw.rowsPerS, { baseline: 'raw driver, 1 row per INSERT' });
      rows.add(`log rows per turn, ${database}`, 'rows', result.rows / result.turns);
      rows.add(`frames per turn, ${database}`, 'frames', result.frames / result.turns);
    }
  }
  return rows.all();
};

interface TurnResult {
  turns: number;
  seconds: number;
  turnsPerS: number;
  cpuMsPerTurn: number;
  rows: number;
  payloadChars: number;
  frames: number;
}

async function measure(context: BenchContext, database: 'sqlite' | 'postgres'): Promise<TurnResult> {
  const { config, mock } = context;
  const { turnChats, turnsPerChat } = config.sizes;
  mock.mode = { kind: 'tools', toolSteps: TOOL_STEPS };
  return withTarget(
    () => startGateway(config, { model: mock.baseUrl, database }),
    async (target) => {
      const token = benchToken();
      const ids = Array.from({ length: turnChats }, () => `turn-${randomUUID().slice(0, 8)}`);
      const clients = await inParallel(ids, 50, (id) => StreamClient.open(target.wsUrl, token, PLAIN_CHAT, id));
      // A few turns per chat first, not measured: a fresh server spends its first turns compiling, not serving.
      await Promise.all(clients.map(async (client) => {
        for (let n = 0; n < WARM_UP_TURNS; n++) await client.turn('what is 2+2, three times over?');
      }));
      const framesBefore = clients.reduce((sum, client) => sum + client.frames, 0);
      const before = await logSize(target);
      const [cpu0, t0] = [target.proc.cpuMs(), performance.now()];
      await Promise.all(clients.map(async (client) => {
        for (let n = 0; n < turnsPerChat; n++) await client.turn('what is 2+2, three times over?');
      }));
      const [cpu1, t1] = [target.proc.cpuMs(), performance.now()];
      const after = await logSize(target);
      for (const client of clients) client.close();
      const turns = turnChats * turnsPerChat;
      const seconds = (t1 - t0) / 1000;
      const frames = clients.reduce((sum, client) => sum + client.frames, 0) - framesBefore;
      return { turns, seconds, turnsPerS: turns / seconds, cpuMsPerTurn: (cpu1 - cpu0) / turns, rows: after.rows - before.rows, payloadChars: after.payloadChars, frames };
    },
  );
}

async function rawInsert(context: BenchContext, database: 'sqlite' | 'postgres', rows: number, payloadChars: number): Promise<{ rowsPerS: number; cpuMs: number }> {
  const { config } = context;
  const url = database === 'postgres' ? await createDatabase(config.postgresUrl, `bench_raw_${randomUUID().slice(0, 8)}`) : undefined;
  const proc = new PinnedProcess(join(config.benchDir, 'baselines', 'raw-insert.js'), [], {
    ROWS: String(rows),
    PAYLOAD_CHARS: String(Math.round(payloadChars)),
    ...(url ? { DATABASE_URL: url } : {}),
  });
  try {
    const code = await proc.exited;
    const line = proc.recentOutput.trim().split('\n').pop() ?? '';
    if (code !== 0) throw new Error(`raw-insert (${database}) exited with ${code}: ${proc.recentOutput}`);
    const result = JSON.parse(line) as { rows: number; ms: number; cpuMs: number };
    return { rowsPerS: (result.rows * 1000) / result.ms, cpuMs: result.cpuMs };
  } finally {
    if (url) await dropDatabase(config.postgresUrl, url);
  }
}

async function postgresReachable(url: string): Promise<boolean> {
  return withClient(url, (client) => client.query('SELECT 1')).then(() => true, () => false);
}
