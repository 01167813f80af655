import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

type Event = Record<string, unknown>;
interface PlatformTurn {
  from: string;
  ts: number;
  modelId?: string;
  messages: Array<{ from: string; type: string; ts: number; mid?: string; item: { type: string; payload: { message: string } } }>;
}

const auth = (sub: string, roles: string[] = []) => ({ headers: { Authorization: `Bearer ${signToken(sub, { roles })}` } });
const interactObject = (convoId: string, prompt: string, extra: Record<string, unknown> = {}) => ({
  agentId: 'assistant',
  convoId,
  bucket: 'voiceglow-eu',
  prompt,
  agentData: { ownerID: 'alice', userID: 'alice' },
  lightConvoData: { userName: 'Alice Moreau', userEmail: 'alice@example.com', origin: 'web-chat' },
  ...extra,
});

/** Reads events until the next turn_end, returning all of them. */
async function untilTurnEnd(socket: TestSocket): Promise<Event[]> {
  const events: Event[] = [];
  for (;;) {
    const event = await socket.next<Event>();
    events.push(event);
    if (event.type === 'turn_end') return events;
  }
}

const chunksOf = (events: Event[]) => events.filter((event) => event.type === 'chunk');
const text = (events: Event[]) => chunksOf(events).map((event) => event.chunk).join('');

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('WS /interact on %s', (_name, database) => {
  let t: TestApp;
  // These connections carry several prompts each: keep_open, as the playground does (one-turn closing is in interact-platform).
  const open = (sub = 'alice', query = '', roles: string[] = []) =>
    TestSocket.open(`${t.wsUrl}/interact?keep_open=1${query.replace('?', '&')}`, auth(sub, roles));

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(() => t.close());

  it('runs a widget exchange: history sync, streamed chunks, turn end; a reconnect syncs both turns', async () => {
    const socket = await open();
    socket.send(interactObject('convo-1', 'what is 12 * 7?'));
    expect(await socket.next()).toEqual({ type: 'sync_chat_history', turns: [], convoId: 'convo-1' });
    const turn = await untilTurnEnd(socket);
    const chunks = chunksOf(turn);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((event) => event.chunkIndex)).toEqual(chunks.map((_, index) => index));
    expect(text(turn)).toContain('84');
    expect(chunks.every((event) => event.ui_engine === false)).toBe(true);
    expect(turn.at(-1)).toEqual({ type: 'turn_end', status: 'complete', role: 'assistant', convoId: 'convo-1' });
    expect(turn).toContainEqual({
      type: 'action',
      action: { type: 'tool_call', toolMetadata: { toolName: 'calculator', input: { expression: '12 * 7' }, output: expect.objectContaining({ result: '84' }) as object } },
      convoId: 'convo-1',
    });
    // Every turn ends with metadata: what it cost, which model answered, and the conversation so far.
    const closing = turn.at(-2) as { type: string; metadata: { inputTokens: number; outputTokens: number; llmUsed: string; turns: PlatformTurn[] } };
    expect(closing.type).toBe('metadata');
    expect(closing.metadata.inputTokens).toBeGreaterThan(0);
    expect(closing.metadata.outputTokens).toBeGreaterThan(0);
    expect(closing.metadata.llmUsed).toBe('builtin-rules');
    expect(closing.metadata.turns.map((entry) => entry.from)).toEqual(['human', 'bot']);

    socket.send(interactObject('convo-1', 'find contact alice'));
    const second = await untilTurnEnd(socket);
    expect(second.some((event) => event.type === 'sync_chat_history')).toBe(false);
    expect(chunksOf(second)[0]).toMatchObject({ chunkIndex: 0 });
    // Read on from where the first turn's read ended: the whole conversation still, each answer with its model.
    const secondTurns = (second.at(-2) as { metadata: { turns: PlatformTurn[] } }).metadata.turns;
    expect(secondTurns.map((entry) => [entry.from, entry.modelId])).toEqual([
      ['human', undefined],
      ['bot', 'builtin-rules'],
      ['human', undefined],
      ['bot', 'builtin-rules'],
    ]);
    socket.close();

    const again = await open();
    again.send(interactObject('convo-1', 'hello'));
    const sync = await again.next<{ type: string; turns: PlatformTurn[] }>();
    expect(sync.type).toBe('sync_chat_history');
    expect(sync.turns.map((entry) => [entry.from, entry.messages[0]!.item.payload.message.slice(0, 18)])).toEqual([
      ['human', 'what is 12 * 7?'],
      ['bot', text(turn).slice(0, 18)],
      ['human', 'find contact alice'],
      ['bot', text(second).slice(0, 18)],
    ]);
    expect(Number.isInteger(sync.turns[0]!.ts) && Math.abs(sync.turns[0]!.ts - Date.now() / 1000) < 60).toBe(true);
    expect(sync.turns[1]).toMatchObject({ from: 'bot', modelId: 'builtin-rules', messages: [{ from: 'bot', type: 'text' }] });
    const third = await untilTurnEnd(again);
    // The history synced at the join, then this turn: read on from the join's seq.
    const thirdTurns = (third.at(-2) as { metadata: { turns: PlatformTurn[] } }).metadata.turns;
    expect(thirdTurns.slice(0, 4)).toEqual(sync.turns);
    expect(thirdTurns.slice(4).map((entry) => [entry.from, entry.modelId, entry.messages[0]!.item.payload.message.slice(0, 18)])).toEqual([
      ['human', undefined, 'hello'],
      ['bot', 'builtin-rules', text(third).slice(0, 18)],
    ]);
    again.close();
  });

  it('sends metadata with the sources when the answer used the knowledge base', async () => {
    const socket = await open();
    socket.send(interactObject('convo-kb', 'How do refunds work?'));
    await socket.next();
    const turn = await untilTurnEnd(socket);
    const metadata = turn.find((event) => event.type === 'metadata') as { metadata: { sources: string[] } };
    expect(metadata.metadata.sources.length).toBeGreaterThan(0);
    expect(turn.indexOf(metadata)).toBeLessThan(turn.indexOf(chunksOf(turn)[0]!));
    // The turn's closing metadata names them again.
    expect((turn.at(-2) as { metadata: { sources: string[] } }).metadata.sources).toEqual(metadata.metadata.sources);
    socket.close();
  });

  it('hands off to a human: request_handoff, the agent stays silent, an operator replies and hands back', async () => {
    const socket = await open();
    socket.send(interactObject('convo-human', 'I want to talk to a person'));
    await socket.next();
    const turn = await untilTurnEnd(socket);
    expect(turn).toContainEqual({ type: 'action', action: { type: 'request_handoff' }, convoId: 'convo-human' });
    expect(turn.at(-1)).toMatchObject({ type: 'turn_end', status: 'handoff' });

    socket.send(interactObject('convo-human', 'hello? anyone there?'));
    expect(await socket.next()).toMatchObject({ type: 'metadata', metadata: { inputTokens: 0, outputTokens: 0 } });
    expect(await socket.next()).toEqual({ type: 'turn_end', status: 'awaiting_operator', role: 'assistant', convoId: 'convo-human' });

    const operator = auth('sam', ['operator']).headers;
    const queue = (await (await fetch(`${t.httpUrl}/conversations?status=handoff`, { headers: operator })).json()) as Event[];
    expect(queue).toContainEqual(
      expect.objectContaining({
        convoId: 'convo-human',
        ownerId: 'alice',
        status: 'handoff',
        bucket: 'voiceglow-eu',
        lightConvoData: { userName: 'Alice Moreau', userEmail: 'alice@example.com', origin: 'web-chat' },
      }),
    );
    const reply = await fetch(`${t.httpUrl}/conversations/convo-human/messages`, {
      method: 'POST',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hi Alice, Sam from support here. How can I help?' }),
    });
    expect(reply.status).toBe(201);
    const operatorTurn = await untilTurnEnd(socket);
    expect(text(operatorTurn)).toBe('Hi Alice, Sam from support here. How can I help?');
    expect(chunksOf(operatorTurn).map((event) => event.chunkIndex)).toEqual(chunksOf(operatorTurn).map((_, index) => index));
    expect(operatorTurn.at(-1)).toMatchObject({ type: 'turn_end', role: 'operator', status: 'complete' });
    // Operator replies are bot turns, marked as an operator's.
    const turns = (operatorTurn.at(-2) as { metadata: { turns: PlatformTurn[] } }).metadata.turns;
    expect(turns.at(-1)).toMatchObject({ from: 'bot', operator: true, messages: [{ item: { payload: { message: 'Hi Alice, Sam from support here. How can I help?' } } }] });

    const release = await fetch(`${t.httpUrl}/conversations/convo-human/release`, { method: 'POST', headers: operator });
    expect(await release.json()).toEqual({ convoId: 'convo-human', status: 'active' });
    socket.send(interactObject('convo-human', 'what is 2 + 2'));
    expect(text(await untilTurnEnd(socket))).toContain('4');

    const history = (await (await fetch(`${t.httpUrl}/history/convo-human`, auth('alice'))).json()) as Event[];
    expect(history.filter((entry) => entry.role === 'user').map((entry) => entry.content)).toEqual([
      'I want to talk to a person',
      'hello? anyone there?',
      'what is 2 + 2',
    ]);
    socket.close();
  });

  it('keeps the operator routes to operators, and refuses replies outside a handoff', async () => {
    expect((await fetch(`${t.httpUrl}/conversations`, auth('alice'))).status).toBe(403);
    const operator = { ...auth('sam', ['operator']).headers, 'content-type': 'application/json' };
    const post = (path: string, body?: unknown) =>
      fetch(`${t.httpUrl}/conversations/${path}`, { method: 'POST', headers: operator, body: body ? JSON.stringify(body) : undefined });
    expect((await post('nobody/messages', { content: 'hi' })).status).toBe(404);
    const socket = await open();
    socket.send(interactObject('convo-active', 'hello'));
    await socket.next();
    await untilTurnEnd(socket);
    expect(await (await post('convo-active/messages', { content: 'hi' })).json()).toMatchObject({ statusCode: 409, code: 'chat.not_handed_off' });
    expect((await post('convo-active/release')).status).toBe(409);
    expect((await post('convo-active/messages', { content: '' })).status).toBe(400);
    socket.close();
  });

  it('streams to several connections on one convo, and debug events only to a debug token that asked', async () => {
    const plain = await open();
    const debugging = await open('alice', '?debug=1', ['debug']);
    const notAllowed = await open('alice', '?debug=1');
    // A connection follows a convo from its first prompt for it; every turn after reaches all followers.
    const joined = [];
    for (const socket of [plain, debugging, notAllowed]) {
      joined.push(socket);
      socket.send(interactObject('convo-many', 'hello'));
      expect(await socket.next()).toMatchObject({ type: 'sync_chat_history' });
      await Promise.all(joined.map((follower) => untilTurnEnd(follower)));
    }
    notAllowed.send(interactObject('convo-many', 'get all contacts'));
    const turns = await Promise.all([plain, debugging, notAllowed].map((socket) => untilTurnEnd(socket)));
    expect(turns[0]!.some((event) => event.type === 'debug')).toBe(false);
    expect(turns[2]!.some((event) => event.type === 'debug')).toBe(false);
    const debug = turns[1]!.filter((event) => event.type === 'debug').map((event) => (event.debug as { type: string }).type);
    expect(debug).toEqual(expect.arrayContaining(['run.started', 'tool.call', 'tool.result', 'step.finished', 'run.finished']));
    expect(text(turns[0]!)).toBe(text(turns[1]!));
    for (const socket of [plain, debugging, notAllowed]) socket.close();
  });

  it('answers bad input with a documented error event, stores nothing, keeps the socket', async () => {
    const socket = await open();
    // Malformed: the contract (docs/asyncapi.yaml) refuses them too.
    const malformed: Array<[unknown, string, RegExp]> = [
      ['not json', 'interact.invalid_object', /not valid JSON/],
      [{ ...interactObject('c-bad', 'x'), prompt: 7 }, 'interact.invalid_object', /prompt must be a string/],
      [interactObject('c-bad', 'x', { sessionId: {} }), 'interact.invalid_object', /sessionId must be a string/],
      [interactObject('c-bad', 'x', { disableRecordHistory: 'yes' }), 'interact.invalid_object', /disableRecordHistory must be true or false/],
      [interactObject('c-bad', 'x', { actionMetadata: { mid: 5 } }), 'interact.invalid_object', /actionMetadata.mid must be a string/],
      [interactObject('c-bad', 'x', { turnsHistory: [{ from: 'robot', messages: [] }] }), 'interact.invalid_object', /turnsHistory\[0\].from must be/],
      [interactObject('c-bad', 'x', { replyTo: { messageIndex: 'first' } }), 'interact.invalid_object', /replyTo.messageIndex must be a number/],
      [interactObject('c-bad', 'x', { lightConvoData: { userEmail: 42 } }), 'interact.invalid_object', /lightConvoData.userEmail must be a string/],
      [interactObject('c-bad', '@rewind:node-1'), 'interact.invalid_object', /node-based/],
      [{ ...interactObject('c-bad', 'x'), agentId: 5 }, 'interact.invalid_object', /agentId must be a non-empty string/],
      [interactObject('bad id', 'x'), 'interact.invalid_object', /convoId must be/],
      [interactObject('c-bad', 'x', { lightConvoData: { origin: 'x'.repeat(65) } }), 'interact.invalid_object', /origin must be a string of at most 64/],
      [interactObject('c-bad', 'x', { agentData: 'me' }), 'interact.invalid_object', /agentData must be an object/],
    ];
    // Well-formed, and refused for what they name.
    const refused: Array<[unknown, string, RegExp]> = [
      [interactObject('c-bad', 'x', { agentId: 'nobody' }), 'agent.unknown_agent', /No agent is registered as "nobody"; the registered agents are: assistant, planner/],
      [interactObject('c-bad', 'x', { bucket: 'mars' }), 'interact.unknown_bucket', /bucket must be one of/],
      [interactObject('c-bad', 'x', { agentData: { ownerID: 'mallory' } }), 'interact.identity_mismatch', /token subject/],
    ];
    const answered = async (code: string, message: RegExp) => {
      const event = await socket.next<{ type: string; error: { code: string; message: string } }>();
      expect(event.type).toBe('error');
      expect(event.error.code).toBe(code);
      expect(event.error.message).toMatch(message);
    };
    for (const [frame, code, message] of malformed) {
      socket.sendMalformed(frame);
      await answered(code, message);
    }
    for (const [frame, code, message] of refused) {
      socket.send(frame);
      await answered(code, message);
    }
    expect(await (await fetch(`${t.httpUrl}/history/c-bad`, auth('alice'))).json()).toEqual([]);
    socket.send(interactObject('c-bad', 'hello'));
    expect(await socket.next()).toMatchObject({ type: 'sync_chat_history' });
    await untilTurnEnd(socket);
    socket.close();
  });

  it("refuses another user's convo with an error event and stores nothing", async () => {
    const socket = await open('mallory');
    socket.send(interactObject('convo-1', 'let me in', { agentData: undefined }));
    expect(await socket.next()).toEqual({
      type: 'error',
      error: { code: 'chat.forbidden', message: 'This conversation cannot be opened with your token' },
      convoId: 'convo-1',
    });
    const history = (await (await fetch(`${t.httpUrl}/history/convo-1`, auth('alice'))).json()) as Event[];
    expect(history.some((entry) => entry.content === 'let me in')).toBe(false);
    socket.close();
  });

  it('refuses an upgrade without a token', async () => {
    expect((await TestSocket.refusal(`${t.wsUrl}/interact`)).status).toBe(401);
  });
});
