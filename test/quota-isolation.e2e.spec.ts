import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sqlite, type TestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { signToken, TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

const TURNS = 15;
/** Between bob's turns, so they span several rounds of the flooder being cut off and coming back. */
const PAUSE_MS = 100;
const FLOOD_SOCKETS = 30;
const FRAMES_PER_SOCKET = 3000;

/** One turn of the built-in model on `/chat`, from the client's send to its `message_end`, in ms. */
async function turn(socket: TestSocket, id: string): Promise<number> {
  const started = performance.now();
  socket.send({ type: 'client', message: 'What is the capital of France?', message_id: id });
  for (;;) {
    const frame = await socket.next(30000);
    if (frame.type === 'message_end' && frame.message_id === id) return performance.now() - started;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A raw client; null when its upgrade was refused (with the HTTP status). */
function connect(url: string, token: string): Promise<{ socket: WebSocket; closed: Promise<number> } | { refused: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('error', () => undefined);
    socket.once('open', () => resolve({ socket, closed }));
    socket.once('unexpected-response', (_request, response) => resolve({ refused: response.statusCode ?? 0 }));
  });
}

/**
 * The server in its own process with the default quotas: one user's flood over many sockets must not slow
 * another user's turns down (before the quotas, 10,000 prompts from one user raised others' latency from 16 ms
 * to 13–30 s).
 */
describe("one user's flood and another user's latency", () => {
  let db: TestDatabase;
  let dir: string;
  let server: ServerProcess;
  let wsUrl: string;

  beforeAll(async () => {
    db = await sqlite.create();
    dir = mkdtempSync(join(tmpdir(), 'agw-isolation-'));
    server = new ServerProcess({ PORT: '0', DATA_DIR: dir, DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info', WS_MAX_SOCKETS_PER_USER: '20' });
    wsUrl = (await server.listening()).replace('http', 'ws');
  }, 30000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the other user fast while the flooding sockets are refused and closed', async () => {
    const bob = await TestSocket.open(`${wsUrl}/chat/bob-calm`, { headers: { Authorization: `Bearer ${signToken('bob')}` } });
    // Warm up (first model call, first queries), then the baseline.
    await turn(bob, 'warm');
    const alone: number[] = [];
    for (let n = 0; n < TURNS; n += 1) alone.push(await turn(bob, `alone-${n}`));

    const mallory = signToken('mallory');
    const frames = Array.from({ length: FRAMES_PER_SOCKET }, (_, n) => JSON.stringify({ type: 'client', message: 'flood', message_id: `f${n}` }));
    const seen = { opened: 0, refused: [] as number[], closes: [] as number[] };
    const stop = new AbortController();
    // An abuser that reconnects as soon as it is closed and floods again, on every socket it can get, until bob is done.
    const flooder = async (n: number) => {
      while (!stop.signal.aborted) {
        const client = await connect(`${wsUrl}/chat/mallory-${n % 3}`, mallory);
        if ('refused' in client) {
          seen.refused.push(client.refused);
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        seen.opened += 1;
        for (const frame of frames) client.socket.send(frame);
        seen.closes.push(await client.closed);
      }
    };
    const flooding = Array.from({ length: FLOOD_SOCKETS }, (_, n) => flooder(n));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during: number[] = [];
    for (let n = 0; n < TURNS; n += 1) {
      during.push(await turn(bob, `during-${n}`));
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    stop.abort();
    await Promise.all(flooding);

    // Past WS_MAX_SOCKETS_PER_USER upgrades were refused (429); every flooding socket that opened was closed (1008).
    expect(seen.opened).toBeGreaterThanOrEqual(20);
    expect(new Set(seen.refused)).toEqual(new Set([429]));
    expect(new Set(seen.closes)).toEqual(new Set([1008]));
    console.log('LATENCY', JSON.stringify({ alone: median(alone), during: median(during), opened: seen.opened, refused: seen.refused.length }));
    // Flat: within a small factor of the quiet figure, or a few tens of ms on a fast machine.
    const [quiet, loaded] = [median(alone), median(during)];
    expect(loaded, `median turn ${quiet.toFixed(1)} ms alone, ${loaded.toFixed(1)} ms during the flood`).toBeLessThan(Math.max(quiet * 4, quiet + 60));
    bob.close();
  }, 60000);
});
