import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { redisUrl } from './support/redis';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const run = randomBytes(3).toString('hex');
const user = (name: string) => `${name}-${run}`;
const auth = (name: string) => ({ headers: { Authorization: `Bearer ${signToken(user(name))}` } });
const RATE_LIMITED = 'quota.rate_limited';

/** Every frame until the server closes the socket, and how it closed it. */
async function untilClosed(socket: TestSocket): Promise<{ frames: Array<Record<string, unknown>>; close: { code: number; reason: string } }> {
  const frames: Array<Record<string, unknown>> = [];
  let open = true;
  const close = socket.closed.then((closed) => {
    open = false;
    return closed;
  });
  while (open) {
    const frame = await Promise.race([socket.next(3000).catch(() => null), close.then(() => null)]);
    if (frame) frames.push(frame);
  }
  // Frames that arrived just before the close frame.
  for (let frame = await socket.next(10).catch(() => null); frame; frame = await socket.next(10).catch(() => null)) frames.push(frame);
  return { frames, close: await close };
}

async function collect(socket: TestSocket, count: number): Promise<Array<Record<string, unknown>>> {
  const frames: Array<Record<string, unknown>> = [];
  while (frames.length < count) frames.push(await socket.next());
  return frames;
}

describe('WebSocket quotas', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WS_MAX_SOCKETS_PER_USER: '3',
        WS_SOCKET_MESSAGES_PER_SECOND: '1',
        WS_SOCKET_MESSAGE_BURST: '3',
        WS_USER_MESSAGES_PER_SECOND: '1',
        WS_USER_MESSAGE_BURST: '5',
        WS_RATE_CLOSE_AFTER: '4',
      },
    });
  });
  afterAll(() => t.close());

  it('refuses the upgrade past WS_MAX_SOCKETS_PER_USER with 429, for that user alone, until one closes', async () => {
    const sockets = await Promise.all([1, 2, 3].map((n) => TestSocket.open(`${t.wsUrl}/chat/${user('cap')}-${n}`, auth('alice'))));
    const refusal = await TestSocket.refusal(`${t.wsUrl}/interact`, auth('alice'));
    expect(refusal).toMatchObject({ status: 429, body: { code: 'quota.too_many_sockets' } });
    expect(refusal.headers['retry-after']).toBe('1');
    const bob = await TestSocket.open(`${t.wsUrl}/interact`, auth('bob'));
    sockets[0]!.close();
    await sockets[0]!.closed;
    let again: TestSocket | null = null;
    for (let attempt = 0; !again && attempt < 20; attempt += 1) {
      again = await TestSocket.open(`${t.wsUrl}/interact`, auth('alice')).catch(() => new Promise<null>((resolve) => setTimeout(() => resolve(null), 50)));
    }
    expect(again).not.toBeNull();
    for (const socket of [...sockets.slice(1), bob, again!]) socket.close();
  });

  it('/chat: frames over the rate get agent_error quota.rate_limited (a refused message also its end), then 1008', async () => {
    const chat = `${user('flood')}`;
    const socket = await TestSocket.open(`${t.wsUrl}/chat/${chat}`, auth('carol'));
    for (let n = 0; n < 3; n += 1) socket.send({ type: 'get_history' });
    for (let n = 1; n <= 5; n += 1) socket.send({ type: 'client', message: 'hi', message_id: `m${n}` });
    const { frames, close } = await untilClosed(socket);
    expect(frames.filter((frame) => frame.type === 'chat_history')).toHaveLength(3);
    const refusals = frames.filter((frame) => frame.type === 'agent_error');
    expect(refusals.map((frame) => frame.message_id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(refusals.every((frame) => frame.code === RATE_LIMITED)).toBe(true);
    expect(frames.filter((frame) => frame.type === 'message_end').map((frame) => frame.message_id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(close).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    // Nothing of a refused message was kept.
    const history = (await (await fetch(`${t.httpUrl}/history/${chat}`, auth('carol'))).json()) as unknown[];
    expect(history).toEqual([]);
  });

  it('/interact and the interactive route answer with their own error frames', async () => {
    const interact = await TestSocket.open(`${t.wsUrl}/interact?keep_open=1`, auth('dave'));
    for (let n = 0; n < 4; n += 1) interact.sendMalformed({ prompt: 5 });
    const interactFrames = await collect(interact, 4);
    expect(interactFrames.slice(0, 3).map((frame) => (frame.error as { code: string }).code)).toEqual(['interact.invalid_object', 'interact.invalid_object', 'interact.invalid_object']);
    expect(interactFrames[3]).toMatchObject({ type: 'error', error: { code: RATE_LIMITED } });
    interact.close();

    const session = await TestSocket.open(`${t.wsUrl}/base/testing/interactive?message=4x4&session_id=${user('quiz')}`, auth('erin'));
    expect(await session.next()).toEqual({ message: 'before I answer that give me your answer?' });
    for (let n = 0; n < 3; n += 1) session.sendMalformed('nope');
    session.send({ type: 'chat', message: '16', metadata: null });
    const refused = await collect(session, 4);
    expect(refused[3]).toMatchObject({ event: 'error', data: { code: RATE_LIMITED } });
    // The refused answer was not taken: the question still waits, and an answer sent later (slowly) is.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    session.send({ type: 'chat', message: '16', metadata: null });
    expect(await session.next()).toEqual({ message: "You're Correct!" });
    session.close();
  });

  it("counts a user's frames over all their sockets (WS_USER_MESSAGES_PER_SECOND)", async () => {
    const [one, two] = await Promise.all([1, 2].map((n) => TestSocket.open(`${t.wsUrl}/chat/${user('spread')}-${n}`, auth('frank'))));
    for (let n = 0; n < 3; n += 1) one!.send({ type: 'get_history' });
    await collect(one!, 3);
    for (let n = 0; n < 3; n += 1) two!.send({ type: 'get_history' });
    const frames = await collect(two!, 3);
    expect(frames.map((frame) => (frame.type === 'agent_error' ? frame.code : frame.type))).toEqual(['chat_history', 'chat_history', RATE_LIMITED]);
    one!.close();
    two!.close();
  });
});

describe('turn quotas: CHAT_MAX_QUEUED_TURNS and RUNS_IN_FLIGHT_PER_USER', () => {
  const model = new OpenAiCompatibleServer();
  let t: TestApp;

  beforeAll(async () => {
    await model.start();
    t = await startTestApp({
      env: {
        MODEL_PROVIDER: 'openai-compatible',
        MODEL_BASE_URL: model.baseUrl,
        MODEL_NAME: 'test-model',
        MODEL_MAX_RETRIES: '0',
        CHAT_MAX_QUEUED_TURNS: '1',
        RUNS_IN_FLIGHT_PER_USER: '3',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await model.stop();
  });

  it('refuses a message past the chat queue and past the user runs, then accepts once they end', async () => {
    const slow = (text: string) => ({ kind: 'delay' as const, ms: 800, then: { kind: 'text' as const, chunks: [text] } });
    model.enqueue(slow('one'), slow('two'), slow('three'));
    const first = await TestSocket.open(`${t.wsUrl}/chat/${user('q1')}`, auth('gina'));
    first.send({ type: 'client', message: 'a', message_id: 'a' });
    first.send({ type: 'client', message: 'b', message_id: 'b' });
    first.send({ type: 'client', message: 'c', message_id: 'c' });
    const second = await TestSocket.open(`${t.wsUrl}/chat/${user('q2')}`, auth('gina'));
    second.send({ type: 'client', message: 'd', message_id: 'd' });
    second.send({ type: 'client', message: 'e', message_id: 'e' });
    const rest = await fetch(`${t.httpUrl}/agent/run`, { method: 'POST', headers: { ...auth('gina').headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ task: 'x' }) });
    expect(rest.status).toBe(429);
    expect(await rest.json()).toMatchObject({ code: 'quota.too_many_runs' });
    expect(rest.headers.get('retry-after')).toBe('1');

    const ends = async (socket: TestSocket, ids: string[]) => {
      const frames: Array<Record<string, unknown>> = [];
      const ended = new Set<string>();
      while (ids.some((id) => !ended.has(id))) {
        const frame = await socket.next(5000);
        frames.push(frame);
        if (frame.type === 'message_end') ended.add(String(frame.message_id));
      }
      return frames;
    };
    const onFirst = await ends(first, ['a', 'b', 'c']);
    expect(onFirst.find((frame) => frame.type === 'agent_error')).toMatchObject({ message_id: 'c', code: 'quota.queue_full' });
    // The scripted replies go to the model requests in the order they come, whichever chat makes them.
    expect(onFirst.filter((frame) => frame.type === 'agent_step')).toHaveLength(2);
    const onSecond = await ends(second, ['d', 'e']);
    expect(onSecond.find((frame) => frame.type === 'agent_error')).toMatchObject({ message_id: 'e', code: 'quota.too_many_runs' });
    expect(onSecond.filter((frame) => frame.type === 'agent_step')).toHaveLength(1);

    // All ended: the user's runs are free again.
    model.enqueue({ kind: 'text', chunks: ['four'] });
    const again = await fetch(`${t.httpUrl}/agent/run`, { method: 'POST', headers: { ...auth('gina').headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ task: 'x' }) });
    expect(again.status).toBe(200);
    first.close();
    second.close();
  });
});

describe.skipIf(!postgres.available)('REST_RATE_LIMIT and runs in flight across two instances on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];
  const model = new OpenAiCompatibleServer();

  beforeAll(async () => {
    await model.start();
    db = await postgres.create();
    const env = {
      REDIS_URL: redisUrl(),
      REST_RATE_LIMIT: '5',
      RUNS_IN_FLIGHT_PER_USER: '1',
      MODEL_PROVIDER: 'openai-compatible',
      MODEL_BASE_URL: model.baseUrl,
      MODEL_NAME: 'test-model',
      MODEL_MAX_RETRIES: '0',
    };
    for (let i = 0; i < 2; i += 1) apps.push(await startTestApp({ env, databaseUrl: db.url }));
  }, 60000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
    await model.stop();
  });

  it("holds one user's REST limit over both instances, by verified user, and by address without a token", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const me = (app: TestApp, name: string) => fetch(`${app.httpUrl}/auth/me`, auth(name));
    const statuses = [];
    for (const app of [a, b, a, b, a]) statuses.push((await me(app, 'hank')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await me(b, 'hank');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: RATE_LIMITED });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await me(a, 'ivy')).status).toBe(200);
    // The probes are never limited.
    expect((await fetch(`${a.httpUrl}/health/live`)).status).toBe(200);
    // Tokens that do not verify are counted by address, however many different ones are tried.
    const forged = [];
    for (let n = 0; n < 6; n += 1) forged.push((await fetch(`${b.httpUrl}/auth/me`, { headers: { Authorization: `Bearer forged.${n}.token` } })).status);
    expect(forged).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("counts a user's runs in flight on every instance", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    model.enqueue({ kind: 'delay', ms: 800, then: { kind: 'text', chunks: ['slow'] } });
    const post = (app: TestApp) =>
      fetch(`${app.httpUrl}/agent/run`, { method: 'POST', headers: { ...auth('jill').headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ task: 'x' }) });
    const slow = post(a);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await post(b);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'quota.too_many_runs' });
    expect((await slow).status).toBe(200);
  });
});
