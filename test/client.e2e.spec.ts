import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError, type ChatServerFrame, type GatewayClientOptions, type InteractiveServerFrame } from '../client/src';
import { untilEnd } from './support/chat-client';
import { databaseKinds } from './support/databases';
import type { Reply } from './support/openai-compatible-server';
import { useScriptedModel } from './support/scripted-model';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const QUESTION = { message: 'before I answer that give me your answer?' };
const CONTEXT = { event: 'context', data: [{ name: 'MathProblem', fields: { answer: 16 } }] };
const CONVO = { agentId: 'assistant', bucket: 'voiceglow-eu', defaults: { agentData: { ownerID: 'alice', userID: 'alice' } } };

const withoutSeq = <T extends { seq: number }>(frames: T[]) => frames.map(({ seq: _seq, ...rest }) => rest);
const ascending = (seqs: number[]) => seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]!);
const port = (t: TestApp) => Number(new URL(t.httpUrl).port);

async function collect<T>(frames: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const frame of frames) all.push(frame);
  return all;
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

const available = databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const);

describe.each(available)('the typed client against the built-in model, on %s', (_name, database) => {
  let t: TestApp;
  const client = (sub = 'alice', options: Partial<GatewayClientOptions> = {}) =>
    new GatewayClient({ baseUrl: t.httpUrl, token: signToken(sub), WebSocket, ...options });

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(() => t.close());

  it('chat: a full turn as typed steps, the history over the socket and over REST', async () => {
    const chat = client().chat('client-chat');
    const turn = chat.ask('get all contacts', 'abc123');
    const frames = await collect(turn);
    expect(frames.map((frame) => (frame.type === 'agent_step' ? frame.step_type : frame.type))).toEqual(['ActionStep', 'FinalAnswerStep', 'message_end']);
    expect(withoutSeq(frames).at(-1)).toEqual({ type: 'message_end', message_id: 'abc123', chat_id: 'client-chat' });
    expect(ascending(frames.map((frame) => frame.seq))).toBe(true);
    expect(await turn.answer()).toMatch(/^I found 20 contacts:/);
    expect(await turn.error()).toBeNull();
    expect(chat.state).toBe('open');

    const next = chat[Symbol.asyncIterator]();
    chat.requestHistory();
    const reply = (await next.next()).value as ChatServerFrame;
    expect(reply.type === 'chat_history' && reply.history.map((row) => [row.role, row.step_type])).toEqual([
      ['user', null],
      ['agent', 'ActionStep'],
      ['agent', 'FinalAnswerStep'],
    ]);
    chat.close();
    expect(await chat.closed).toEqual({ code: 1000, reason: 'client closed' });
    expect(chat.state).toBe('closed');

    const page = await client().history('client-chat');
    expect(page.items.map((row) => row.content).at(-1)).toBe(await turn.answer());
    expect(page.nextBefore).toBeNull();
  });

  it('chat: ?stream=1 deltas through the connection-wide iteration; sockets carry the token on each carrier', async () => {
    const chat = client().chat('client-stream', { stream: true });
    const seen: ChatServerFrame[] = [];
    const reading = (async () => {
      for await (const frame of chat) {
        seen.push(frame);
        if (frame.type === 'message_end') break;
      }
    })();
    const answer = await chat.ask('what is 12 * 7').answer();
    await reading;
    const deltas = seen.flatMap((frame) => (frame.type === 'agent_step_delta' ? [frame.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(answer);
    chat.close();

    for (const tokenCarrier of ['header', 'subprotocol', 'query'] as const) {
      const viaCarrier = client('alice', { tokenCarrier, token: () => Promise.resolve(signToken('alice')) }).chat(`client-carrier-${tokenCarrier}`);
      expect(await viaCarrier.ask('what is 2 + 2').answer()).toContain('4');
      viaCarrier.close();
    }
  });

  it('chat: an upgrade refused with 403 ends the connection with a GatewayError carrying the server code, and no reconnect', async () => {
    const chat = client('mallory').chat('client-chat');
    const states: string[] = [];
    chat.on('state', (state) => states.push(state));
    const error = await failure(collect(chat));
    expect([error.status, error.code]).toEqual([403, 'chat.forbidden']);
    expect((await chat.closed).error).toBe(error);
    expect(states).toEqual(['closed']);
  });

  it('interact: keep-open turns with history sync and chunks, then one turn per socket as the platform does', async () => {
    const convo = client().interact({ ...CONVO, convoId: 'client-convo' });
    const first = convo.prompt('what is 12 * 7?');
    const events = await first.done;
    expect(withoutSeq(events)[0]).toEqual({ type: 'sync_chat_history', turns: [], convoId: 'client-convo' });
    const chunks = events.flatMap((event) => (event.type === 'chunk' ? [event] : []));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual(chunks.map((_, index) => index));
    expect(await first.text()).toContain('84');
    expect(await first.status()).toBe('complete');
    const second = convo.prompt({ prompt: 'find contact alice' });
    expect((await second.done).some((event) => event.type === 'sync_chat_history')).toBe(false);
    expect(await second.status()).toBe('complete');
    convo.close();
    expect((await convo.closed).code).toBe(1000);

    const platform = client().interact({ ...CONVO, convoId: 'client-convo', keepOpen: false });
    const third = platform.prompt('hello');
    const sync = (await third.done)[0]!;
    expect(sync.type === 'sync_chat_history' && sync.turns.map((turn) => turn.from)).toEqual(['human', 'bot', 'human', 'bot']);
    expect(await third.status()).toBe('complete');
    const refused = await client().interact({ ...CONVO, convoId: 'client-convo', agentId: 'nobody', keepOpen: false }).prompt('hi').error();
    expect(refused).toMatchObject({ code: 'agent.unknown_agent' });
    platform.close();
  });

  it('interactive: the 4x4 exchange, answering waitForInput, until the server closes with 1000 done', async () => {
    const session = client().interactive('/base/testing/interactive', { message: '4x4' });
    const frames: InteractiveServerFrame[] = [];
    for await (const frame of session) {
      frames.push(frame);
      if ('message' in frame && frame.message === QUESTION.message) session.answer('16');
    }
    expect(withoutSeq(frames)).toEqual([QUESTION, { message: "You're Correct!" }, CONTEXT]);
    expect(await session.closed).toEqual({ code: 1000, reason: 'done' });
    const history = await client().history(session.sessionId);
    expect(history.items.map((row) => row.content)).toEqual(['4x4', 'Chose MathProblem', "You're Correct!"]);
  });

  it('interactive: a question listed and answered over REST reaches the open session', async () => {
    const sessionId = `client-rest-${database.name}`;
    const session = client().interactive('/base/testing/interactive', { message: '4x4', sessionId });
    const frames: InteractiveServerFrame[] = [];
    for await (const frame of session) {
      frames.push(frame);
      if (!('message' in frame) || frame.message !== QUESTION.message) continue;
      const waiting = await client().waitingSessions();
      expect(waiting.find((entry) => entry.session_id === sessionId)).toMatchObject({ route: 'testing/interactive', question: QUESTION });
      expect(await client().answerSession(sessionId, { message: '16' })).toEqual({ session_id: sessionId, message: '16', metadata: null });
      const refused = await failure(client().answerSession(sessionId, { message: '16' }));
      expect([refused.status, refused.code]).toEqual([409, 'session.not_waiting']);
    }
    expect(withoutSeq(frames)).toEqual([QUESTION, { message: "You're Correct!" }, CONTEXT]);
    expect((await failure(client('mallory').answerSession(sessionId, { message: '1' }))).status).toBe(404);
  });

  it('interactive: a newer connection takes the session over; the older ends with interactive.taken_over and does not take it back', async () => {
    const older = client().interactive('/base/testing/interactive', { message: '4x4', sessionId: 'client-takeover' });
    const olderFrames = collect(older);
    await new Promise<void>((resolve) => older.on('frame', () => resolve()));
    const newer = client().interactive('/base/testing/interactive', { message: '4x4', sessionId: 'client-takeover' });
    const error = await failure(olderFrames);
    expect([error.code, error.closeCode]).toEqual(['interactive.taken_over', 4409]);
    const frames: InteractiveServerFrame[] = [];
    for await (const frame of newer) {
      frames.push(frame);
      if ('message' in frame && frame.message === QUESTION.message) newer.answer('15');
    }
    expect(withoutSeq(frames)).toEqual([QUESTION, { message: "You're Wrong! Answer is 16" }, CONTEXT]);
  });

  it('interactive: a cut connection resumes with after; the answer sent meanwhile goes out on the new socket', async () => {
    const proxy = new TcpProxy({ host: '127.0.0.1', port: port(t) });
    await proxy.start();
    try {
      const session = new GatewayClient({ baseUrl: `http://127.0.0.1:${proxy.port}`, token: signToken('alice'), WebSocket }).interactive(
        '/base/testing/interactive',
        { message: '4x4' },
      );
      const states: string[] = [];
      session.on('state', (state) => states.push(state));
      const frames: InteractiveServerFrame[] = [];
      for await (const frame of session) {
        frames.push(frame);
        if (frames.length > 1) continue;
        const reconnecting = new Promise<void>((resolve) => session.on('state', (state) => state === 'reconnecting' && resolve()));
        await proxy.stop();
        await reconnecting;
        // Queued while no socket is open, sent on the next one.
        session.answer('16');
        await proxy.start();
      }
      expect(withoutSeq(frames)).toEqual([QUESTION, { message: "You're Correct!" }, CONTEXT]);
      expect(ascending(frames.map((frame) => frame.seq))).toBe(true);
      expect(states).toEqual(['open', 'reconnecting', 'open', 'closed']);
    } finally {
      await proxy.stop();
    }
  });

  it('REST: me, history pages with X-Next-Before, a stateless run, and GatewayErrors with the server codes', async () => {
    expect(await client('alice').me()).toEqual({ sub: 'alice', roles: [] });
    const steps = await client().runAgent({ task: 'what is 12 * 7', chat_id: 'client-run' });
    expect(steps.at(-1)).toMatchObject({ step_type: 'FinalAnswerStep' });

    const newest = await client().history('client-chat', { limit: 2 });
    expect(newest.items).toHaveLength(2);
    expect(newest.nextBefore).toEqual(expect.any(Number));
    const older = await client().history('client-chat', { limit: 2, before: newest.nextBefore! });
    expect(older.items.map((row) => row.role)).toEqual(['user']);
    expect(older.nextBefore).toBeNull();
    const pages = [];
    for await (const page of client().historyPages('client-chat', 2)) pages.push(page.items.length);
    expect(pages).toEqual([2, 1]);

    const invalid = await failure(client().runAgent({ task: '' }));
    expect([invalid.status, invalid.code]).toEqual([400, 'validation_failed']);
    expect(invalid.details.length).toBeGreaterThan(0);
    const badId = await failure(client().history('bad id'));
    expect([badId.status, badId.code]).toEqual([400, 'chat.invalid_id']);
    const noAuth = await failure(new GatewayClient({ baseUrl: t.httpUrl, token: 'not-a-token', WebSocket }).me());
    expect(noAuth.status).toBe(401);
    expect(noAuth.code).toMatch(/^auth\./);
    const notOperator = await failure(client().operator.conversations());
    expect([notOperator.status, notOperator.code]).toEqual([403, 'auth.missing_role']);
  });
});

describe.each(available)('the typed client with a scripted model, on %s', (_name, database) => {
  const { app, model } = useScriptedModel({ database });
  const slow = (text: string, ms: number): Reply => ({ kind: 'delay', ms, then: { kind: 'text', chunks: [text] } });
  const client = (baseUrl = app().httpUrl, options: Partial<GatewayClientOptions> = {}) =>
    new GatewayClient({ baseUrl, token: () => signToken('alice'), WebSocket, ...options });

  it('chat: cancel ends the running turn with agent_error "cancelled" and message_end', async () => {
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    const chat = client().chat('client-cancel', { stream: true });
    const turn = chat.ask('think hard');
    const frames: ChatServerFrame[] = [];
    for await (const frame of turn) {
      frames.push(frame);
      if (frame.type === 'agent_step_delta') turn.cancel();
    }
    expect(frames.slice(-2).map((frame) => frame.type)).toEqual(['agent_error', 'message_end']);
    expect(await turn.error()).toBe('cancelled');
    await model.waitForAbort();
    chat.close();
  });

  it('interact: cancel ends the running turn with turn_end "cancelled"', async () => {
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    const convo = client().interact({ ...CONVO, convoId: 'client-convo-cancel' });
    const turn = convo.prompt('think hard');
    for await (const event of turn) if (event.type === 'chunk') convo.cancel('changed my mind');
    expect(await turn.status()).toBe('cancelled');
    await model.waitForAbort();
    convo.close();
  });

  it('chat: a cut connection resumes with after=<last seq>: every frame once, as a socket that stayed saw them', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, slow('42', 100));
    const proxy = new TcpProxy({ host: '127.0.0.1', port: port(app()) });
    await proxy.start();
    try {
      const observer = await TestSocket.open(`${app().wsUrl}/chat/client-cut`, { headers: { Authorization: `Bearer ${signToken('alice')}` } });
      // Reconnecting after the answer was written: the frames it missed come from the replay.
      const chat = client(`http://127.0.0.1:${proxy.port}`, { reconnect: { initialDelayMs: 800 } }).chat('client-cut');
      const states: string[] = [];
      chat.on('state', (state) => states.push(state));
      const turn = chat.ask('six times seven', 'cut-1');
      const frames: ChatServerFrame[] = [];
      for await (const frame of turn) {
        frames.push(frame);
        if (frames.length > 1) continue;
        await proxy.stop();
        await proxy.start();
      }
      const reference = await untilEnd(observer, 'cut-1');
      expect(withoutSeq(frames)).toEqual(reference);
      expect(frames.map((frame) => frame.seq)).toEqual(observer.seqs);
      expect(states).toEqual(['open', 'reconnecting', 'open']);
      expect(await turn.answer()).toBe('42');
      chat.close();
      observer.close();
    } finally {
      await proxy.stop();
    }
  });
});
