import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { postgres, type TestDatabase } from './support/databases';
import { useScriptedModel } from './support/scripted-model';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const headers = { Authorization: `Bearer ${signToken('olive', { roles: ['operator'] })}` };

describe.skipIf(!postgres.available)('PostgreSQL unreachable at run time', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    db = await postgres.create();
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.start();
    url.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp({ databaseUrl: url.toString(), env: { DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await proxy.start();
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  const get = (path: string) => fetch(`${t.httpUrl}${path}`, { headers });
  const reply = () =>
    fetch(`${t.httpUrl}/conversations/down-convo/messages`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello' }),
    });

  it('answers 503 database.unavailable while the connection is cut, and recovers when it is back', async () => {
    expect((await get('/history/down-chat')).status).toBe(200);

    await proxy.stop();
    for (const res of [await get('/history/down-chat'), await get('/conversations'), await reply()]) {
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ statusCode: 503, code: 'database.unavailable' });
    }

    await proxy.start();
    await expect.poll(async () => (await get('/history/down-chat')).status, { timeout: 10000 }).toBe(200);
    expect((await reply()).status).toBe(404);
  });
});

describe.skipIf(!postgres.available)('PostgreSQL unreachable mid-turn, for longer than the end of the turn is retried', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  beforeAll(async () => {
    db = await postgres.create();
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    await db?.drop();
  });
  const { app, model } = useScriptedModel({
    database: { ...postgres, create: () => Promise.resolve({ url: proxied(db.url, proxy.port), drop: () => Promise.resolve() }) },
    env: { DATABASE_CONNECT_TIMEOUT_MS: '500', CHAT_LOCK_TTL_MS: '1500' },
  });

  it('the turn ends once, as interrupted, when the database is back; the next message is answered', async () => {
    const alice = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
    const socket = await TestSocket.open(`${app().wsUrl}/chat/down-mid-turn`, alice);
    model.enqueue({ kind: 'delay', ms: 500, then: { kind: 'text', chunks: ['42'] } });
    socket.send({ type: 'client', message: 'six times seven', message_id: 'd1' });
    await expect.poll(() => model.requests.length).toBe(1);
    await proxy.stop();
    // Longer than the writer retries the turn's end: nothing may be sent for it meanwhile, as nothing is stored.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await proxy.start();
    const frames: Frame[] = [];
    do frames.push(await socket.next<Frame>(10000));
    while (frames.at(-1)!.type !== 'message_end');
    expect(frames.filter((frame) => frame.type === 'agent_error' || frame.type === 'message_end')).toEqual([
      { type: 'agent_error', error: 'The server running this message stopped before it finished; please send it again', message_id: 'd1', chat_id: 'down-mid-turn' },
      { type: 'message_end', message_id: 'd1', chat_id: 'down-mid-turn' },
    ]);

    model.enqueue({ kind: 'text', chunks: ['fine'] });
    socket.send({ type: 'client', message: 'again', message_id: 'd2' });
    expect((await untilEnd(socket, 'd2')).map((frame) => frame.message ?? frame.type)).toEqual(['fine', 'message_end']);
    socket.close();

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ type: string; payload: string }>(
        "SELECT type, payload FROM chat_events WHERE chat_id = 'down-mid-turn' AND type IN ('run.finished', 'run.failed', 'run.cancelled') ORDER BY seq",
      );
      expect(rows.map(({ type, payload }) => [type, (JSON.parse(payload) as { error?: { code: string } }).error?.code])).toEqual([
        ['run.failed', 'run.interrupted'],
        ['run.finished', undefined],
      ]);
    } finally {
      await client.end();
    }
  }, 30000);
});

function proxied(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  return url.toString();
}
