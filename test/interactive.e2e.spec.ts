import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryRepository } from '../src/history/history.repository';
import { databaseKinds, type DatabaseKind, type TestDatabase } from './support/databases';
import type { Reply } from './support/openai-compatible-server';
import { useScriptedModel } from './support/scripted-model';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const auth = (sub = 'alice') => ({ headers: { Authorization: `Bearer ${signToken(sub)}` } });
const QUESTION = { message: 'before I answer that give me your answer?' };
const CONTEXT = { event: 'context', data: [{ name: 'MathProblem', fields: { answer: 16 } }] };
const chat = (message: string) => ({ type: 'chat', message, metadata: null });
const TAKEN_OVER = { code: 4409, reason: 'session taken over by a newer connection' };

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('interactive actions on %s', (_name, kind: DatabaseKind) => {
  let db: TestDatabase;
  let t: TestApp;
  const url = (query: string, route = 'testing/interactive') => `${t.wsUrl}/base/${route}?${query}`;

  beforeAll(async () => {
    db = await kind.create();
    t = await startTestApp({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it.each([
    ['16', "You're Correct!"],
    ['15', "You're Wrong! Answer is 16"],
  ])('runs the seed example frame for frame: 4x4, the client answers %s', async (answer, verdict) => {
    const socket = await TestSocket.open(url(`message=4x4&session_id=s-${answer}`), auth());
    expect(await socket.next()).toEqual(QUESTION);
    socket.send(chat(answer));
    expect(await socket.next()).toEqual({ message: verdict });
    expect(await socket.next()).toEqual(CONTEXT);
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
    // The execution is a run like any: the model's choice is an action step of it, the verdict its answer.
    const history = (await (await fetch(`${t.httpUrl}/history/s-${answer}`, auth())).json()) as Array<{ role: string; content: string; step_type?: string }>;
    expect(history.map((entry) => [entry.role, entry.content, entry.step_type])).toEqual([
      ['user', '4x4', null],
      ['agent', 'Chose MathProblem', 'ActionStep'],
      ['agent', verdict, 'FinalAnswerStep'],
    ]);
  });

  it('is a run of the one engine: its log holds run events, each step journaled, and the run ends with its usage', async () => {
    const socket = await TestSocket.open(url('message=4x4&session_id=s-run'), auth());
    expect(await socket.next()).toEqual(QUESTION);
    socket.send(chat('16'));
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toEqual(CONTEXT);
    await socket.closed;
    const log = await t.app.get(HistoryRepository).list('s-run', { limit: 100 });
    const runId = log[0]!.runId;
    expect(log.every((event) => event.runId === runId)).toBe(true);
    const shape = log.map((event) => {
      const payload = event.payload as { journal?: { kind: string; ordinal: number }; tool?: string };
      return [event.type, payload.journal ? `${payload.journal.kind}:${payload.journal.ordinal}` : payload.tool ?? null];
    });
    expect(shape).toEqual([
      ['run.started', null],
      ['user.message', null],
      ['tool.call', 'call:0'],
      ['step.started', null],
      ['step.finished', 'choice:0'],
      ['tool.call', 'call:1'],
      ['input.requested', 'request:0'],
      ['input.received', 'answer:0'],
      ['step.finished', 'message:0'],
      ['notify', 'notify:0'],
      ['tool.result', 'result:0'],
      ['tool.result', 'result:1'],
      ['notify', 'notify:1'],
      ['run.finished', null],
    ]);
    expect(log[0]!.payload).toMatchObject({ route: 'testing/interactive', input: '4x4' });
    const actions = log.filter((event) => event.type === 'tool.call').map((event) => event.payload as { tool: string; args: unknown });
    expect(actions).toMatchObject([{ tool: 'GeneralChat' }, { tool: 'MathProblem', args: { answer: 16 } }]);
    expect(log.at(-1)!.payload).toMatchObject({ answer: "You're Correct!", usage: { model: expect.any(String) as string } });
  });

  it('handles a reply that is not a number: says so and asks again', async () => {
    const socket = await TestSocket.open(url('message=4x4&session_id=s-nan'), auth());
    expect(await socket.next()).toEqual(QUESTION);
    socket.send(chat('sixteen'));
    expect(await socket.next()).toEqual({ message: '"sixteen" is not a whole number. What is your answer?' });
    socket.send(chat(' 16 '));
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toEqual(CONTEXT);
  });

  it('answers in words when no action fits, and generates a session id when none is given', async () => {
    const socket = await TestSocket.open(url('message=hello'), auth());
    expect(socket.headers['x-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await socket.next()).toMatchObject({ message: expect.stringMatching(/^Hello!/) as string });
    expect(await socket.next()).toEqual({ event: 'context', data: [{ name: 'GeneralChat', fields: {} }] });
  });

  it('refuses bad upgrades before the 101: no message 400, no token 401, another user 403, unknown route 404', async () => {
    expect(await TestSocket.refusal(url('session_id=x'), auth())).toMatchObject({ status: 400, body: { code: 'interactive.missing_message' } });
    expect((await TestSocket.refusal(url('message=4x4'))).status).toBe(401);
    expect(await TestSocket.refusal(url('message=4x4&session_id=s-16'), auth('mallory'))).toMatchObject({ status: 403, body: { code: 'chat.forbidden' } });
    expect(await TestSocket.refusal(url('message=4x4', 'testing/nothing'), auth())).toMatchObject({ status: 404, body: { code: 'interactive.route_not_found' } });
    expect(await TestSocket.refusal(url('message=4x4&session_id=bad%20id'), auth())).toMatchObject({ status: 400 });
  });

  it('answers a chat frame with nothing waiting, and bad frames, with error frames', async () => {
    const socket = await TestSocket.open(url('message=4x4&session_id=s-frames'), auth());
    expect(await socket.next()).toEqual(QUESTION);
    socket.sendMalformed('nope');
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'interactive.invalid_frame', message: 'The frame is not valid JSON' } });
    socket.sendMalformed({ type: 'chat', message: 16 });
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'interactive.invalid_frame', message: 'message must be a string' } });
    socket.send(chat('16'));
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
  });

  it('resumes after a reconnect: the pending question is asked again and the answer completes the action', async () => {
    const first = await TestSocket.open(url('message=4x4&session_id=s-reconnect'), auth());
    expect(await first.next()).toEqual(QUESTION);
    first.close();
    await first.closed;
    const second = await TestSocket.open(url('message=4x4&session_id=s-reconnect'), auth());
    expect(await second.next()).toEqual(QUESTION);
    second.send(chat('16'));
    expect(await second.next()).toEqual({ message: "You're Correct!" });
    expect(await second.next()).toEqual(CONTEXT);
  });

  it('a newer socket on the same session_id takes it over: the older closes with 4409, the newer gets the question and answers it', async () => {
    const older = await TestSocket.open(url('message=4x4&session_id=s-takeover'), auth());
    expect(await older.next()).toEqual(QUESTION);
    const newer = await TestSocket.open(url('message=4x4&session_id=s-takeover'), auth());
    expect(await older.closed).toEqual(TAKEN_OVER);
    expect(await newer.next()).toEqual(QUESTION);
    newer.send(chat('16'));
    expect(await newer.next()).toEqual({ message: "You're Correct!" });
    expect(await newer.next()).toEqual(CONTEXT);
    expect(await newer.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('a newer socket with `after` takes over with the replay, and every frame after it', async () => {
    const older = await TestSocket.open(url('message=4x4&session_id=s-takeover-after'), auth());
    expect(await older.next()).toEqual(QUESTION);
    const newer = await TestSocket.open(url('message=4x4&session_id=s-takeover-after&after=0'), auth());
    expect(await older.closed).toEqual(TAKEN_OVER);
    expect(await newer.next()).toEqual(QUESTION);
    expect(newer.seqs).toEqual(older.seqs);
    newer.send(chat('15'));
    expect(await newer.next()).toEqual({ message: "You're Wrong! Answer is 16" });
    expect(await newer.next()).toEqual(CONTEXT);
    expect((await newer.closed).code).toBe(1000);
  });

  it('two sockets opening one session at once: one is taken over, the other gets every frame to the end', async () => {
    const sockets = await Promise.all([1, 2].map(() => TestSocket.open(url('message=4x4&session_id=s-race'), auth())));
    const displaced = await Promise.race(sockets.map((socket) => socket.closed.then(() => socket)));
    expect(await displaced.closed).toEqual(TAKEN_OVER);
    const remaining = sockets.find((socket) => socket !== displaced)!;
    expect(await remaining.next()).toEqual(QUESTION);
    remaining.send(chat('16'));
    expect(await remaining.next()).toEqual({ message: "You're Correct!" });
    expect(await remaining.next()).toEqual(CONTEXT);
    expect((await remaining.closed).code).toBe(1000);
  });

  it('resumes after a server restart, replaying the journal instead of asking the model again', async () => {
    const before = await TestSocket.open(url('message=4x4&session_id=s-restart'), auth());
    expect(await before.next()).toEqual(QUESTION);
    await t.close();
    expect((await before.closed).code).toBe(1012);
    t = await startTestApp({ databaseUrl: db.url });

    const after = await TestSocket.open(url('message=ignored-on-resume&session_id=s-restart'), auth());
    expect(await after.next()).toEqual(QUESTION);
    after.send(chat('16'));
    expect(await after.next()).toEqual({ message: "You're Correct!" });
    expect(await after.next()).toEqual(CONTEXT);
    const history = (await (await fetch(`${t.httpUrl}/history/s-restart`, auth())).json()) as Array<{ content: string }>;
    // The choice made before the restart was replayed, not made (nor logged) again.
    expect(history.map((entry) => entry.content)).toEqual(['4x4', 'Chose MathProblem', "You're Correct!"]);
  });

  it('lets an action handle a waitForInput timeout itself', async () => {
    const socket = await TestSocket.open(url('message=4x4&session_id=s-quick', 'testing/quick'), auth());
    expect(await socket.next()).toEqual({ message: 'quick, your answer?' });
    expect(await socket.next()).toEqual({ message: 'Too slow! The answer is 16.' });
    expect(await socket.next()).toEqual({ event: 'context', data: [{ name: 'QuickMathProblem', fields: { answer: 16 } }] });
  });
});

describe('interactive settings', () => {
  it('INTERACTIVE_INPUT_TIMEOUT_MS: an unhandled waitForInput timeout ends the session with a clear error frame', async () => {
    const t = await startTestApp({ env: { INTERACTIVE_INPUT_TIMEOUT_MS: '300' } });
    try {
      const socket = await TestSocket.open(`${t.wsUrl}/base/testing/interactive?message=4x4&session_id=s-timeout`, auth());
      expect(await socket.next()).toEqual(QUESTION);
      expect(await socket.next()).toEqual({ event: 'error', data: { code: 'action.input_timeout', message: 'No answer arrived within 300 ms' } });
      expect(await socket.closed).toEqual({ code: 1011, reason: 'failed' });
    } finally {
      await t.close();
    }
  });

  it('INTERACTIVE_BASE_PATH: the routers are served under the configured base path', async () => {
    const t = await startTestApp({ env: { INTERACTIVE_BASE_PATH: '/assist/v2' } });
    try {
      const socket = await TestSocket.open(`${t.wsUrl}/assist/v2/testing/interactive?message=4x4`, auth());
      expect(await socket.next()).toEqual(QUESTION);
      expect((await TestSocket.refusal(`${t.wsUrl}/base/testing/interactive?message=4x4`, auth())).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('interactive failures close with 1011', () => {
  const { app, model } = useScriptedModel();
  const open = (sessionId: string) => TestSocket.open(`${app().wsUrl}/base/testing/interactive?message=4x4&session_id=${sessionId}`, auth());
  const FAILED = { code: 1011, reason: 'failed' };

  it('the model fails while choosing: an error frame naming it, then 1011', async () => {
    model.enqueue({ kind: 'status', status: 401 });
    const socket = await open('f-model');
    expect(await socket.next()).toMatchObject({ event: 'error', data: { code: 'model.unauthorized' } });
    expect(await socket.closed).toEqual(FAILED);
  });

  it('the agent throws (the model broke the action\'s rules twice): action.failed, then 1011', async () => {
    const invalid: Reply = { kind: 'tool_calls', calls: [{ name: 'MathProblem', arguments: { answer: 'sixteen' } }] };
    model.enqueue(invalid, invalid);
    const socket = await open('f-agent');
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'action.failed', message: 'The interactive agent failed; the server log has the details' } });
    expect(await socket.closed).toEqual(FAILED);
  });

  it('the session cannot start (a /chat run holds its log): action.failed, then 1011, not a socket left waiting', async () => {
    const chatSocket = await TestSocket.open(`${app().wsUrl}/chat/f-busy?stream=1`, auth());
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    chatSocket.send({ type: 'client', message: 'long question', message_id: 'busy1' });
    expect(await chatSocket.next()).toMatchObject({ type: 'agent_step_delta' });
    const socket = await open('f-busy');
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'action.failed', message: 'The session could not be started' } });
    expect(await socket.closed).toEqual(FAILED);
    chatSocket.send({ type: 'cancel', message_id: 'busy1' });
    await model.waitForAbort();
    chatSocket.close();
  });
});
