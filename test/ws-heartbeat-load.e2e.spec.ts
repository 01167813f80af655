import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, UNLIMITED, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const PROMPTS = 10000;
const BURST = 1000;
/** Longer than the heartbeat interval: a beat falls due while the event loop cannot read anything. */
const STALL_MS = 450;

/** What a CPU-heavy handler (or a long GC pause) does to every socket of the process at once. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, no I/O
  }
}

describe('heartbeat under load', () => {
  let t: TestApp;
  const bearer = { headers: { Authorization: `Bearer ${signToken('alice')}` } };

  beforeAll(async () => {
    // Reject: every prompt is answered at once (a run, or agent_error busy), so the flood is answered quickly.
    // 10,000 prompts on one socket: the frame quotas (test/quotas.e2e.spec.ts) are lifted to see every one answered.
    t = await startTestApp({ env: { WS_HEARTBEAT_INTERVAL_MS: '200', CHAT_BUSY_POLICY: 'reject', ...UNLIMITED } });
  });
  afterAll(() => t.close());

  it('keeps a busy socket while the event loop stalls, and answers every prompt of a flood', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/chat/flood`, bearer);
    const answered = new Set<string>();
    let closed: number | null = null;
    void socket.closed.then(({ code }) => (closed = code));
    const reading = (async () => {
      while (answered.size < PROMPTS && closed === null) {
        const frame = await socket.next(15000).catch(() => null);
        if (!frame) return;
        if ((frame.type === 'message_end' || frame.type === 'agent_error') && typeof frame.message_id === 'string') answered.add(frame.message_id);
      }
    })();
    for (let sent = 0; sent < PROMPTS; sent += BURST) {
      for (let i = sent; i < sent + BURST; i++) socket.send({ type: 'client', message: 'hello', message_id: `m${i}` });
      stall(STALL_MS);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.race([reading, socket.closed]);
    expect({ answered: answered.size, closed }).toEqual({ answered: PROMPTS, closed: null });
    socket.close();
  });

  it('keeps an idle socket through stalls longer than the interval: a late beat judges nobody', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/chat/stalls`, bearer);
    // Between stalls the loop turns once: a beat pings, and the stall starts before the pong can be read.
    for (let i = 0; i < 4; i++) {
      stall(STALL_MS);
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toMatchObject({ type: 'chat_history' });
    socket.close();
  });

  it('counts any frame as a sign of life, and still cuts a peer that goes silent', async () => {
    // This peer never answers a ping: only its frames show it is there.
    const socket = await TestSocket.open(`${t.wsUrl}/chat/no-pong`, { ...bearer, autoPong: false });
    for (let i = 0; i < 12; i++) {
      socket.send({ type: 'get_history' });
      expect(await socket.next()).toMatchObject({ type: 'chat_history' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const silent = Date.now();
    expect((await socket.closed).code).toBe(1006);
    expect(Date.now() - silent).toBeLessThan(1000);
  });
});
