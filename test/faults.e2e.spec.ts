import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { postgres, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { redisUrl } from './support/redis';
import { useScriptedModel } from './support/scripted-model';
import { ServerProcess } from './support/server-process';
import { TcpProxy } from './support/tcp-proxy';
import { signToken, TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

const TOKEN = signToken('alice');
const alice = { headers: { Authorization: `Bearer ${TOKEN}` } };
const INTERRUPTED = 'The server running this message stopped before it finished; please send it again';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Redis is shared by every spec run on the machine: each run uses chat ids of its own.
const run = randomBytes(4).toString('hex');

const modelEnv = (model: OpenAiCompatibleServer) => ({
  MODEL_PROVIDER: 'openai-compatible',
  MODEL_BASE_URL: model.baseUrl,
  MODEL_NAME: 'test-model',
  MODEL_MAX_RETRIES: '0',
});

describe('kill -9 of a single instance mid-turn, then a restart on the same data', () => {
  const model = new OpenAiCompatibleServer();
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const start = async () => {
    const server = new ServerProcess({ PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info', ...modelEnv(model) });
    servers.push(server);
    return (await server.listening()).replace('http', 'ws');
  };

  beforeAll(async () => {
    await model.start();
    dataDir = mkdtempSync(join(tmpdir(), 'agw-kill-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await model.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Deltas streamed but not yet stored die with the process: the recovered failure is numbered past them.
  it('records the turn as failed (log and history), and a reconnect with `after` on either protocol gets the failure', async () => {
    const first = await start();
    const socket = await TestSocket.open(`${first}/chat/killed?stream=1`, alice);
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    socket.send({ type: 'client', message: 'long question', message_id: 'k1' });
    expect(await socket.next()).toMatchObject({ type: 'agent_step_delta', delta: 'Thinking' });
    const seen = socket.lastSeq;
    await servers[0]!.stop();
    expect((await socket.closed).code).toBe(1006);

    const url = await start();
    const again = await TestSocket.open(`${url}/chat/killed?stream=1&after=${seen}`, alice);
    expect(await untilEnd(again, 'k1')).toEqual([
      { type: 'agent_error', error: INTERRUPTED, message_id: 'k1', chat_id: 'killed' },
      { type: 'message_end', message_id: 'k1', chat_id: 'killed' },
    ]);
    expect(Math.min(...again.seqs)).toBeGreaterThan(seen);

    const widget = await TestSocket.open(`${url}/interact?convoId=killed&after=${seen}`, alice);
    const events: Frame[] = [];
    do events.push(await widget.next());
    while (events.at(-1)!.type !== 'turn_end');
    expect(events.find((event) => event.type === 'error')).toMatchObject({ error: { code: 'run.interrupted', message: INTERRUPTED } });
    expect(events.at(-1)).toMatchObject({ type: 'turn_end', status: 'failed' });
    widget.close();

    // The history has no partial answer: the question, and nothing the killed process was streaming.
    const history = (await (await fetch(`${url.replace('ws', 'http')}/history/killed`, alice)).json()) as Frame[];
    expect(history.map((entry) => [entry.role, entry.content])).toEqual([['user', 'long question']]);
    const db = new Database(join(dataDir, 'gateway.sqlite'), { readonly: true });
    try {
      const ends = db.prepare("SELECT payload FROM chat_events WHERE chat_id = 'killed' AND type LIKE 'run.%' AND type <> 'run.started'").all() as Array<{ payload: string }>;
      expect(ends.map((row) => JSON.parse(row.payload) as unknown)).toEqual([
        expect.objectContaining({ messageId: 'k1', error: { code: 'run.interrupted', message: INTERRUPTED } }),
      ]);
      expect(db.prepare("SELECT active_run FROM chats WHERE id = 'killed'").get()).toEqual({ active_run: null });
    } finally {
      db.close();
    }

    // The chat is free: the next message is answered.
    model.enqueue({ kind: 'text', chunks: ['back'] });
    again.send({ type: 'client', message: 'again', message_id: 'k2' });
    expect((await untilEnd(again, 'k2')).map((frame) => frame.type)).toEqual(['agent_step_delta', 'agent_step', 'message_end']);
    again.close();
  }, 30000);
});

describe.skipIf(!postgres.available)('PostgreSQL connections terminated mid-run', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await postgres.create();
  });
  afterAll(() => db?.drop());

  const { app, model } = useScriptedModel({ database: { ...postgres, create: () => Promise.resolve({ url: db.url, drop: () => Promise.resolve() }) } });
  const TERMINATE = 'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()';
  /** Ends every connection to the database but the caller's own, as an administrator would; how many it ended. */
  const terminateOthers = async (client: Client): Promise<number> => (await client.query<{ ended: boolean }>(TERMINATE)).rows.filter((row) => row.ended).length;
  const withClient = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  /** The chat's stored run ends, in log order, and whether a run is still marked in flight (it must not be). */
  const runEnds = async (client: Client, chatId: string) => {
    const { rows } = await client.query<{ type: string; payload: { messageId: string; error?: { code: string } } }>(
      "SELECT type, payload::json AS payload FROM chat_events WHERE chat_id = $1 AND type IN ('run.finished', 'run.failed', 'run.cancelled') ORDER BY seq",
      [chatId],
    );
    const { rows: chats } = await client.query<{ active_run: string | null }>('SELECT active_run FROM chats WHERE id = $1', [chatId]);
    expect(chats).toEqual([{ active_run: null }]);
    return rows.map(({ type, payload }) => ({ type, messageId: payload.messageId, code: payload.error?.code ?? null }));
  };

  it('a write killed in flight: the turn ends with a clear error frame at once, and the chat answers the next message', async () => {
    const socket = await TestSocket.open(`${app().wsUrl}/chat/pg-killed`, alice);
    model.enqueue({ kind: 'delay', ms: 500, then: { kind: 'text', chunks: ['42'] } });
    socket.send({ type: 'client', message: 'six times seven', message_id: 'p1' });
    // Hold the chat's row so the run's next write waits on it, then kill every connection but ours: the write dies in flight.
    await expect.poll(() => model.requests.length).toBe(1);
    await withClient(async (holder) => {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM chats WHERE id = 'pg-killed' FOR UPDATE");
      await sleep(1000);
      expect(await terminateOthers(holder)).toBeGreaterThan(0);
      await holder.query('ROLLBACK');
    });
    const frames = await untilEnd(socket, 'p1');
    expect(frames.slice(-2)).toEqual([
      { type: 'agent_error', error: 'The message could not be stored; please try again', message_id: 'p1', chat_id: 'pg-killed' },
      { type: 'message_end', message_id: 'p1', chat_id: 'pg-killed' },
    ]);

    model.enqueue({ kind: 'text', chunks: ['fine'] });
    socket.send({ type: 'client', message: 'again', message_id: 'p2' });
    expect((await untilEnd(socket, 'p2')).map((frame) => frame.message ?? frame.type)).toEqual(['fine', 'message_end']);
    socket.close();
    // One end per message, stored: the lock-expiry sweep has nothing left to record as interrupted.
    expect(await withClient((client) => runEnds(client, 'pg-killed'))).toEqual([
      { type: 'run.failed', messageId: 'p1', code: 'chat.storage_failed' },
      { type: 'run.finished', messageId: 'p2', code: null },
    ]);
  });

  it('a user message whose write is killed in flight gets its error frame, and a resend is answered', async () => {
    const socket = await TestSocket.open(`${app().wsUrl}/chat/pg-early`, alice);
    // Inserts wait on this lock, reads do not: the turn starts (its lease, its status read), and its first write waits.
    await withClient(async (holder) => {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE chat_events IN EXCLUSIVE MODE');
      socket.send({ type: 'client', message: 'six times seven', message_id: 'e1' });
      await sleep(500);
      expect(await terminateOthers(holder)).toBeGreaterThan(0);
      await holder.query('ROLLBACK');
    });
    expect(await untilEnd(socket, 'e1')).toEqual([
      { type: 'agent_error', error: 'The message could not be stored; please try again', message_id: 'e1', chat_id: 'pg-early' },
      { type: 'message_end', message_id: 'e1', chat_id: 'pg-early' },
    ]);

    model.enqueue({ kind: 'text', chunks: ['42'] });
    socket.send({ type: 'client', message: 'six times seven', message_id: 'e2' });
    expect((await untilEnd(socket, 'e2')).map((frame) => frame.message ?? frame.type)).toEqual(['42', 'message_end']);
    socket.close();
    expect(await withClient((client) => runEnds(client, 'pg-early'))).toEqual([
      { type: 'run.failed', messageId: 'e1', code: 'chat.storage_failed' },
      { type: 'run.finished', messageId: 'e2', code: null },
    ]);
  });

  it('connections killed while idle: the next request and the next turn are served without an error', async () => {
    expect((await fetch(`${app().httpUrl}/history/pg-idle`, alice)).status).toBe(200);
    expect(await withClient(terminateOthers)).toBeGreaterThan(0);
    await sleep(100);
    expect((await fetch(`${app().httpUrl}/history/pg-idle`, alice)).status).toBe(200);
    const socket = await TestSocket.open(`${app().wsUrl}/chat/pg-idle`, alice);
    model.enqueue({ kind: 'text', chunks: ['fine'] });
    socket.send({ type: 'client', message: 'hello', message_id: 'i1' });
    expect((await untilEnd(socket, 'i1')).map((frame) => frame.message ?? frame.type)).toEqual(['fine', 'message_end']);
    socket.close();
    expect((await fetch(`${app().httpUrl}/health/ready`)).status).toBe(200);
  });
});

describe.skipIf(!postgres.available)('Redis lost under two instances, then back', () => {
  const model = new OpenAiCompatibleServer();
  let db: TestDatabase;
  let proxy: TcpProxy;
  const dirs: string[] = [];
  const instances: ServerProcess[] = [];
  const urls: string[] = [];
  const chatId = (name: string) => `${name}-${run}`;

  beforeAll(async () => {
    await model.start();
    db = await postgres.create();
    const redis = new URL(redisUrl());
    proxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await proxy.start();
    redis.host = `127.0.0.1:${proxy.port}`;
    for (let i = 0; i < 2; i += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'agw-redis-'));
      dirs.push(dir);
      const server = new ServerProcess({
        PORT: '0',
        DATA_DIR: dir,
        DATABASE_URL: db.url,
        REDIS_URL: redis.toString(),
        JWT_SECRET: TEST_SECRET,
        CHAT_LOCK_TTL_MS: '1500',
        LOG_LEVEL: 'info',
        ...modelEnv(model),
      });
      instances.push(server);
      urls.push((await server.listening()).replace('http', 'ws'));
    }
  }, 60000);
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await proxy?.start();
    await Promise.all(instances.map((server) => server.stop()));
    await proxy?.stop();
    await db?.drop();
    await model.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const ready = async (i: number) => (await fetch(`${urls[i]!.replace('ws', 'http')}/health/ready`)).status;
  const answers = async (socket: TestSocket, messageId: string) => (await untilEnd(socket, messageId)).map((frame) => frame.message ?? frame.type);

  // The cut lands while the sockets are still joining the log: they used to be closed (1011) for it; now they wait it out.
  it('sockets stay open through the cut; once Redis is back each instance answers its own, and fan-out between them resumes', async () => {
    const chats = [chatId('redis-a'), chatId('redis-b')];
    const sockets = await Promise.all(urls.map((url, i) => TestSocket.open(`${url}/chat/${chats[i]}`, alice)));
    await proxy.stop();
    await expect.poll(() => ready(0), { timeout: 5000 }).toBe(503);
    await sleep(1500);
    await proxy.start();
    await expect.poll(() => Promise.all([ready(0), ready(1)]), { timeout: 15000 }).toEqual([200, 200]);
    model.enqueue({ kind: 'text', chunks: ['after'] }, { kind: 'text', chunks: ['after'] });
    for (const [i, socket] of sockets.entries()) {
      socket.send({ type: 'client', message: 'back', message_id: `b${i}` });
      expect(await answers(socket, `b${i}`)).toEqual(['after', 'message_end']);
    }
    const onB = await TestSocket.open(`${urls[1]}/chat/${chats[0]}`, alice);
    model.enqueue({ kind: 'text', chunks: ['seen on B'] });
    sockets[0]!.send({ type: 'client', message: 'fan out', message_id: 'f1' });
    expect(await answers(onB, 'f1')).toEqual(['seen on B', 'message_end']);
    for (const socket of [...sockets, onB]) socket.close();
  }, 40000);

  // Refused at once (nothing is kept) rather than left waiting on Redis: agent_error, then message_end.
  it('a message sent while Redis is gone is answered in words within seconds, not with silence', async () => {
    const socket = await TestSocket.open(`${urls[0]}/chat/${chatId('redis-down')}`, alice);
    await proxy.stop();
    try {
      socket.send({ type: 'client', message: 'while down', message_id: 'd1' });
      const frames = await untilEnd(socket, 'd1');
      expect(frames.at(-2)).toMatchObject({ type: 'agent_error', error: expect.not.stringMatching(/\n\s+at /) as string });
    } finally {
      await proxy.start();
      model.reset();
      socket.close();
    }
  }, 30000);
});
