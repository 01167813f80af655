import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { postgres, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { platformTurn, textOf } from './support/platform-client';
import { redisUrl } from './support/redis';
import { ServerProcess } from './support/server-process';
import { signToken, TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

const LOCK_TTL_MS = 1500;
const alice = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
const operator = { Authorization: `Bearer ${signToken('olga', { roles: ['operator'] })}`, 'Content-Type': 'application/json' };
// Redis is shared by every spec run on the machine: each run uses chat ids of its own.
const run = randomBytes(4).toString('hex');
const chatId = (name: string) => `${name}-${run}`;

/**
 * Two real server processes on one PostgreSQL database and one Redis, answering from one scripted model
 * server, as two instances behind a load balancer would: no sticky sessions, clients on either.
 */
describe.skipIf(!postgres.available)('two instances on PostgreSQL and Redis', () => {
  const model = new OpenAiCompatibleServer();
  let db: TestDatabase;
  const dirs: string[] = [];
  const instances: ServerProcess[] = [];
  const urls: string[] = [];

  const startInstance = async (): Promise<[ServerProcess, string]> => {
    const dir = mkdtempSync(join(tmpdir(), 'agw-scale-'));
    dirs.push(dir);
    const server = new ServerProcess({
      PORT: '0',
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl(),
      JWT_SECRET: TEST_SECRET,
      CHAT_LOCK_TTL_MS: String(LOCK_TTL_MS),
      MODEL_PROVIDER: 'openai-compatible',
      MODEL_BASE_URL: model.baseUrl,
      MODEL_NAME: 'test-model',
      MODEL_MAX_RETRIES: '0',
      LOG_LEVEL: 'info',
    });
    // Tracked before it answers, so afterAll stops it even when it never starts listening.
    instances.push(server);
    return [server, (await server.listening()).replace('http', 'ws')];
  };

  beforeAll(async () => {
    await model.start();
    db = await postgres.create();
    // One after the other: concurrent start-ups are the migrations spec's subject.
    for (let i = 0; i < 2; i += 1) {
      const [, url] = await startInstance();
      urls.push(url);
    }
  }, 60000);
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await Promise.all(instances.map((server) => server.stop()));
    await db?.drop();
    await model.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a client on B receives, frame for frame and seq for seq, the run that executes on A', async () => {
    const chat = chatId('fanout');
    const onA = await TestSocket.open(`${urls[0]}/chat/${chat}?stream=1`, alice);
    const onB = await TestSocket.open(`${urls[1]}/chat/${chat}?stream=1`, alice);
    model.enqueue({ kind: 'text', chunks: ['Hello', ' from', ' A'] });
    onA.send({ type: 'client', message: 'hi', message_id: 'm1' });
    const seenOnA = await untilEnd(onA, 'm1');
    const seenOnB = await untilEnd(onB, 'm1');
    expect(seenOnA.map((frame) => frame.type)).toEqual(['agent_step_delta', 'agent_step_delta', 'agent_step_delta', 'agent_step', 'message_end']);
    expect(seenOnB).toEqual(seenOnA);
    expect(onB.seqs).toEqual(onA.seqs);
    onA.close();
    onB.close();
  });

  it('queues a message sent to B behind the run on A, and cancels A’s run from B', async () => {
    const chat = chatId('queue');
    const onA = await TestSocket.open(`${urls[0]}/chat/${chat}`, alice);
    const onB = await TestSocket.open(`${urls[1]}/chat/${chat}`, alice);
    model.enqueue({ kind: 'delay', ms: 500, then: { kind: 'text', chunks: ['first'] } }, { kind: 'text', chunks: ['second'] });
    onA.send({ type: 'client', message: 'one', message_id: 'q1' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    onB.send({ type: 'client', message: 'two', message_id: 'q2' });
    const first = await untilEnd(onB, 'q1');
    const second = await untilEnd(onB, 'q2');
    expect([...first, ...second].map((frame) => frame.message ?? frame.type)).toEqual(['first', 'message_end', 'second', 'message_end']);

    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    onA.send({ type: 'client', message: 'three', message_id: 'q3' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    onB.send({ type: 'cancel', message_id: 'q3' });
    const cancelled = await untilEnd(onA, 'q3');
    expect(cancelled.slice(-2)).toEqual([
      { type: 'agent_error', error: 'cancelled', message_id: 'q3', chat_id: chat },
      { type: 'message_end', message_id: 'q3', chat_id: chat },
    ]);
    await model.waitForAbort();
    // Cancelling the ended q3 again from B is a no-op: the next frame B gets is the refusal of an id never sent.
    await untilEnd(onB, 'q3');
    onB.send({ type: 'cancel', message_id: 'q3' });
    onB.send({ type: 'cancel', message_id: 'never-sent' });
    expect(await onB.next()).toMatchObject({ type: 'agent_error', message_id: 'never-sent' });
    onA.close();
    onB.close();
  });

  it("the platform's client: '@cancel:' sent to B stops the turn running on A, and a repeated mid on B gets A's answer", async () => {
    const convo = chatId('platform');
    const token = signToken('alice');
    const object = (prompt: string, extra: Record<string, unknown> = {}) => ({ agentId: 'assistant', convoId: convo, bucket: '(default)', prompt, ...extra });
    model.enqueue({ kind: 'delay', ms: 4000, then: { kind: 'text', chunks: ['too late'] } });
    const running = platformTurn(`${urls[0]}/interact`, token, object('take your time'));
    while (model.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const cancel = await platformTurn(`${urls[1]}/interact`, token, object('@cancel:left the page'));
    expect(cancel).toMatchObject({ code: 1000, frames: [] });
    const cancelled = await running;
    expect(cancelled.code).toBe(1000);
    expect(cancelled.frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'cancelled' });
    await model.waitForAbort();

    model.enqueue({ kind: 'text', chunks: ['Answered ', 'once.'] });
    const first = await platformTurn(`${urls[0]}/interact`, token, object('once please', { actionMetadata: { mid: 'mid-x' } }));
    const repeat = await platformTurn(`${urls[1]}/interact`, token, object('once please', { actionMetadata: { mid: 'mid-x' } }));
    expect(textOf(first.frames)).toBe('Answered once.');
    expect(textOf(repeat.frames)).toBe('Answered once.');
    expect(repeat.code).toBe(1000);
  });

  it('an operator reply POSTed to B reaches the /interact client on A', async () => {
    const convo = chatId('handoff');
    const widget = await TestSocket.open(`${urls[0]}/interact?keep_open=1`, alice);
    model.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'request_handoff', arguments: { reason: 'asked for a person' } }] },
      { kind: 'text', chunks: ['A person will answer.'] },
    );
    widget.send({ agentId: 'assistant', convoId: convo, bucket: '(default)', prompt: 'a person please' });
    const frames: Frame[] = [];
    for (let frame = await widget.next(); frame.type !== 'turn_end'; frame = await widget.next()) frames.push(frame);
    expect(frames.map((frame) => frame.type)).toContain('action');

    const reply = await fetch(`${urls[1]!.replace('ws', 'http')}/conversations/${convo}/messages`, {
      method: 'POST',
      headers: operator,
      body: JSON.stringify({ content: 'Hello, this is Olga.' }),
    });
    expect(reply.status).toBe(201);
    const operatorTurn: Frame[] = [];
    for (let frame = await widget.next(); ; frame = await widget.next()) {
      operatorTurn.push(frame);
      if (frame.type === 'turn_end') break;
    }
    expect(operatorTurn.filter((frame) => frame.type === 'chunk').map((frame) => frame.chunk).join('')).toBe('Hello, this is Olga.');
    expect(operatorTurn.at(-1)).toMatchObject({ type: 'turn_end', role: 'operator' });
    widget.close();
  });

  it('a socket on B takes the interactive session over from A (4409), and its answer reaches the action waiting on A', async () => {
    const session = chatId('quiz');
    const path = `/base/testing/interactive?message=4x4&session_id=${session}`;
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'MathProblem', arguments: { answer: 16 } }] });
    const onA = await TestSocket.open(`${urls[0]}${path}`, alice);
    expect(await onA.next()).toEqual({ message: 'before I answer that give me your answer?' });
    const onB = await TestSocket.open(`${urls[1]}${path}`, alice);
    expect(await onA.closed).toEqual({ code: 4409, reason: 'session taken over by a newer connection' });
    expect(await onB.next()).toEqual({ message: 'before I answer that give me your answer?' });
    onB.send({ type: 'chat', message: '16', metadata: null });
    expect(await onB.next()).toEqual({ message: "You're Correct!" });
    expect(await onB.next()).toMatchObject({ event: 'context' });
    expect(await onB.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('a socket back on A takes the session over from B while the execution runs on B; a failed execution closes it with 1011', async () => {
    const session = chatId('quiz-back');
    const path = `/base/testing/interactive?message=4x4&session_id=${session}`;
    model.enqueue({ kind: 'delay', ms: 1000, then: { kind: 'status', status: 401 } });
    const onB = await TestSocket.open(`${urls[1]}${path}`, alice);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const onA = await TestSocket.open(`${urls[0]}${path}&after=0`, alice);
    expect(await onB.closed).toEqual({ code: 4409, reason: 'session taken over by a newer connection' });
    expect(await onA.next()).toMatchObject({ event: 'error', data: { code: 'model.unauthorized' } });
    expect(await onA.closed).toEqual({ code: 1011, reason: 'failed' });
  });

  it('after kill -9 of the instance running a turn, a client reconnecting to the other with `after` gets the rest: the turn failed', async () => {
    const chat = chatId('crash');
    const onA = await TestSocket.open(`${urls[0]}/chat/${chat}?stream=1`, alice);
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    onA.send({ type: 'client', message: 'long question', message_id: 'k1' });
    expect(await onA.next()).toMatchObject({ type: 'agent_step_delta', delta: 'Thinking' });
    const seen = onA.lastSeq;
    await instances[0]!.stop();

    const onB = await TestSocket.open(`${urls[1]}/chat/${chat}?stream=1&after=${seen}`, alice);
    // B takes the chat over once A's lock expired, and records the turn as failed.
    const rest = await untilEnd(onB, 'k1');
    expect(rest).toEqual([
      { type: 'agent_error', error: expect.stringContaining('stopped before it finished') as unknown, message_id: 'k1', chat_id: chat },
      { type: 'message_end', message_id: 'k1', chat_id: chat },
    ]);
    expect(Math.min(...onB.seqs)).toBeGreaterThan(seen);

    // The chat is free again: B answers the next message.
    model.enqueue({ kind: 'text', chunks: ['back'] });
    onB.send({ type: 'client', message: 'again', message_id: 'k2' });
    expect((await untilEnd(onB, 'k2')).map((frame) => frame.type)).toEqual(['agent_step_delta', 'agent_step', 'message_end']);

    // A reconnect from the very start replays the whole chat, each frame once.
    const replay = await TestSocket.open(`${urls[1]}/chat/${chat}?stream=1&after=0`, alice);
    const replayed = [...(await untilEnd(replay, 'k1')), ...(await untilEnd(replay, 'k2'))];
    expect(replayed.map((frame) => frame.delta ?? frame.message ?? frame.type)).toEqual([
      'Thinking', 'agent_error', 'message_end', 'back', 'back', 'message_end',
    ]);
    replay.close();
    onB.close();
  }, 20000);
});
