import type WebSocket from 'ws';
import { openSocket } from '../support/stream-client';
import { benchToken, startBaseline, startGateway, withTarget, type Target } from '../support/targets';
import { inParallel, RowSet, sleep, type BenchContext, type Figure } from './figure';

/** Sockets opened and closed before the first RSS reading, so lazily loaded code and caches are not counted. */
const WARM_UP_SOCKETS = 100;
/** File descriptors the server needs besides the sockets (database, log, listeners), with room to spare. */
const SPARE_FDS = 200;

/**
 * Memory per idle connection: the server's RSS after `idleSockets` authenticated sockets sit open, minus its
 * RSS before, over the count. A fresh server per case, since freed memory is seldom handed back to the OS.
 */
export const idle: Figure = async (context) => {
  const { config, mock } = context;
  const rows = new RowSet('idle');
  const token = benchToken();
  const goal = { on: 'ratio' as const, bound: 'max' as const, limit: 1.5 };
  const cases = [
    { name: 'RSS per idle socket, /chat/{id}', path: (i: number, tag: string) => `/chat/idle-${tag}-${i}` },
    { name: 'RSS per idle socket, /interact?keep_open=1', path: () => '/interact?keep_open=1' },
  ];
  for (let run = 0; run < config.runs; run++) {
    for (const { name, path } of cases) {
      const kb = await withTarget(() => startGateway(config, { model: mock.baseUrl }), (target) => measure(context, target, token, (i) => path(i, `r${run}`)));
      rows.add(name, 'KB', kb, { goal });
    }
    const bare = await withTarget(() => startBaseline(config, 'bare-ws'), (target) => measure(context, target, token, (i) => `/idle-${i}`));
    for (const { name } of cases) rows.add(name, 'KB', bare, { baseline: 'bare ws server' });
  }
  return rows.all();
};

async function measure(context: BenchContext, target: Target, token: string, path: (i: number) => string): Promise<number> {
  const count = Math.min(context.config.sizes.idleSockets, target.proc.fileLimit() - SPARE_FDS);
  if (count < context.config.sizes.idleSockets) context.log(`idle: the server's file limit allows only ${count} sockets`);
  const warm = await inParallel(range(WARM_UP_SOCKETS), 50, (i) => openSocket(target.wsUrl + path(-1 - i), token));
  for (const socket of warm) socket.terminate();
  await sleep(1000);
  const before = target.proc.rssBytes();
  const sockets: WebSocket[] = await inParallel(range(count), 50, (i) => openSocket(target.wsUrl + path(i), token));
  // Let the server finish what each upgrade set off (log lines, ownership rows) before reading its memory.
  await sleep(2000);
  const after = target.proc.rssBytes();
  for (const socket of sockets) socket.terminate();
  const kb = (after - before) / 1024 / count;
  context.log(`idle [${target.name}] ${count} sockets: ${kb.toFixed(2)} KB each (RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MB)`);
  return kb;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
