import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases';
import { malformedPlatformTurn, platformTurn, textOf, type PlatformFrame } from './support/platform-client';
import { useScriptedModel } from './support/scripted-model';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

interface PlatformTurnProps {
  from: string;
  ts: number;
  modelId?: string;
  messages: Array<{ from: string; type: string; ts: number; mid?: string; replyTo?: unknown; item: { type: string; payload: { message: string } } }>;
}
type Closing = { type: 'metadata'; metadata: { inputTokens: number; outputTokens: number; llmUsed?: string; turns: PlatformTurnProps[]; sources?: string[] } };

const alice = signToken('alice');
/** What the platform's clients send: the seed's fields plus the flags they carry along. */
const platformObject = (convoId: string, prompt: string | undefined, extra: Record<string, unknown> = {}) => ({
  agentId: 'assistant',
  convoId,
  bucket: 'voiceglow-eu',
  ...(prompt === undefined ? {} : { prompt }),
  agentData: { ownerID: 'alice', userID: 'alice', someAgentSetting: { tone: 'friendly' } },
  v2: true,
  isTest: false,
  workspaceData: { name: 'Acme' },
  messageType: 'text',
  ...extra,
});
const closingOf = (frames: PlatformFrame[]) => frames.find((frame) => frame.type === 'metadata' && 'turns' in (frame.metadata as object)) as Closing;
const turnTexts = (turns: PlatformTurnProps[]) => turns.map((turn) => [turn.from, turn.messages.map((message) => message.item.payload.message).join('')]);

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('WS /interact as the platform speaks it, on %s', (_name, database) => {
  let t: TestApp;
  const turn = (object: object, query = '', token = alice) => platformTurn(`${t.wsUrl}/interact${query}`, token, object);
  const history = async (convoId: string) => (await (await fetch(`${t.httpUrl}/history/${convoId}`, { headers: { Authorization: `Bearer ${alice}` } })).json()) as Array<Record<string, unknown>>;

  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(() => t.close());

  it("serves the platform's own client: one object, the whole turn, then the server closes with 1000", async () => {
    const result = await turn(platformObject('p-1', 'what is 12 * 7?'));
    expect(result.code).toBe(1000);
    expect(result.ms).toBeLessThan(5000);
    const { frames } = result;
    expect(frames.every((frame) => typeof frame.seq === 'number')).toBe(true);
    expect(frames[0]).toMatchObject({ type: 'sync_chat_history', turns: [] });
    const chunks = frames.filter((frame) => frame.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.ui_engine === false)).toBe(true);
    expect(textOf(frames)).toContain('84');
    expect(frames).toContainEqual(
      expect.objectContaining({ type: 'action', action: { type: 'tool_call', toolMetadata: { toolName: 'calculator', input: { expression: '12 * 7' }, output: expect.objectContaining({ result: '84' }) as unknown } } }),
    );
    const closing = closingOf(frames);
    expect(closing.metadata).toMatchObject({ llmUsed: 'builtin-rules', inputTokens: expect.any(Number) as number, outputTokens: expect.any(Number) as number });
    expect(closing.metadata.inputTokens).toBeGreaterThan(0);
    expect(turnTexts(closing.metadata.turns)).toEqual([['human', 'what is 12 * 7?'], ['bot', textOf(frames)]]);
    expect(closing.metadata.turns[1]).toMatchObject({ from: 'bot', modelId: 'builtin-rules', messages: [{ from: 'bot', type: 'text', item: { type: 'text' } }] });
    expect(frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'complete' });
  });

  it("answers the seed's own examples sensibly, and its placeholder agent with the agents there are", async () => {
    const help = await turn(platformObject('p-seed', 'Hello, how can you help me?'));
    expect(textOf(help.frames)).toMatch(/^Hello! I can do arithmetic, look up contacts, search the help centre, or find you a human colleague/);
    const weather = await turn(platformObject('p-seed', 'What is the weather like today?'));
    expect(textOf(weather.frames)).toMatch(/^I cannot check the weather.*I can do arithmetic/);
    const placeholder = await turn(platformObject('p-seed', 'hi', { agentId: 'your-agent-id' }));
    expect(placeholder.code).toBe(1000);
    expect(placeholder.frames).toEqual([
      expect.objectContaining({
        type: 'error',
        error: { code: 'agent.unknown_agent', message: 'No agent is registered as "your-agent-id"; the registered agents are: assistant, planner' },
      }),
    ]);
  });

  it('closes with 1000 after an error event, and stores nothing for a bad object', async () => {
    const bad = await malformedPlatformTurn(`${t.wsUrl}/interact`, alice, platformObject('p-bad', 'hello', { lightConvoData: { userName: 7 } }));
    expect(bad.code).toBe(1000);
    expect(bad.frames).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'interact.invalid_object', message: expect.stringMatching(/lightConvoData.userName/) as string }) as object })]);
    const notJson = await new Promise<{ code: number; frames: unknown[] }>((resolve) => {
      const frames: unknown[] = [];
      void TestSocket.open(`${t.wsUrl}/interact`, { headers: { Authorization: `Bearer ${alice}` } }).then(async (socket) => {
        socket.sendMalformed('not json');
        frames.push(await socket.next());
        resolve({ code: (await socket.closed).code, frames });
      });
    });
    expect(notJson).toEqual({ code: 1000, frames: [expect.objectContaining({ type: 'error' })] });
    expect(await history('p-bad')).toEqual([]);
  });

  it('"start" (or no prompt at all) gives the greeting and stores no user message', async () => {
    const greeting = await turn(platformObject('p-start', 'start'));
    expect(greeting.code).toBe(1000);
    expect(textOf(greeting.frames)).toMatch(/^Hello! I can do arithmetic/);
    expect(turnTexts(closingOf(greeting.frames).metadata.turns)).toEqual([['bot', textOf(greeting.frames)]]);
    const again = await turn(platformObject('p-start', undefined));
    expect(textOf(again.frames)).toMatch(/^Hello!/);
    expect((await history('p-start')).map((row) => row.role)).toEqual(['agent', 'agent']);
  });

  it('disableRecordHistory: the turn is answered, its closing turns include it, and nothing is stored', async () => {
    await turn(platformObject('p-unrecorded', 'what is 2 + 2'));
    const before = await history('p-unrecorded');
    const result = await turn(platformObject('p-unrecorded', 'what is 3 + 3', { disableRecordHistory: true }));
    expect(result.code).toBe(1000);
    expect(textOf(result.frames)).toContain('6');
    expect(turnTexts(closingOf(result.frames).metadata.turns).map(([from]) => from)).toEqual(['human', 'bot', 'human', 'bot']);
    expect(closingOf(result.frames).metadata.turns[2]!.messages[0]!.item.payload.message).toBe('what is 3 + 3');
    expect(await history('p-unrecorded')).toEqual(before);
    // Not even the conversation is created for a turn that records nothing.
    await turn(platformObject('p-never', 'hello', { disableRecordHistory: true }));
    const mallory = await turn(platformObject('p-never', 'hello', { agentData: undefined }), '', signToken('mallory'));
    expect(mallory.frames.some((frame) => frame.type === 'error')).toBe(false);
  });

  it('actionMetadata.mid: a repeat gets the stored answer again, not a second run', async () => {
    const first = await turn(platformObject('p-mid', 'find contact alice', { actionMetadata: { mid: 'mid-1' } }));
    const repeat = await turn(platformObject('p-mid', 'find contact alice', { actionMetadata: { mid: 'mid-1' } }));
    expect(repeat.code).toBe(1000);
    expect(textOf(repeat.frames)).toBe(textOf(first.frames));
    expect(repeat.frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'complete' });
    const users = (await history('p-mid')).filter((row) => row.role === 'user');
    expect(users.map((row) => row.content)).toEqual(['find contact alice']);
    // The client's mid is the message's id in the conversation.
    expect(closingOf(repeat.frames).metadata.turns[0]!.messages[0]!.mid).toBe('mid-1');
  });

  it('keeps lightConvoData as an open object, merged across prompts, and stores replyTo and sessionId with the message', async () => {
    const light = { userName: 'Alice Moreau', userID: null, origin: 'whatsapp', capturedVariables: { plan: 'gold' }, nodesInfo: [{ id: 'n1' }] };
    await turn(platformObject('p-light', 'hello', { lightConvoData: light }));
    await turn(platformObject('p-light', 'what is 1 + 1'));
    const replyTo = { messageId: 'm-0', messageFrom: 'bot', turnIndex: 1, messageContent: 'Hello!' };
    const third = await turn(platformObject('p-light', 'and 2 + 2?', { lightConvoData: { userPhone: '+331234' }, replyTo, sessionId: 'tab-7' }));
    const operator = { headers: { Authorization: `Bearer ${signToken('sam', { roles: ['operator'] })}` } };
    const listed = (await (await fetch(`${t.httpUrl}/conversations?status=active`, operator)).json()) as Array<{ convoId: string; lightConvoData: unknown }>;
    expect(listed.find((convo) => convo.convoId === 'p-light')?.lightConvoData).toEqual({ ...light, userPhone: '+331234' });
    const asked = closingOf(third.frames).metadata.turns.at(-2)!;
    expect(asked.messages[0]).toMatchObject({ from: 'human', replyTo });
    const rows = await t.app.get(DataSource).query<Array<{ payload: string }>>(`SELECT payload FROM chat_events WHERE chat_id = 'p-light' AND type = 'user.message' ORDER BY seq`);
    expect(rows.map((row) => (JSON.parse(row.payload) as { meta: { sessionId: string } }).meta.sessionId)).toEqual(['p-light', 'p-light', 'tab-7']);
  });

  it('agentData.ID picks the agent that answers', async () => {
    const debugToken = signToken('alice', { roles: ['debug'] });
    const result = await turn(platformObject('p-agent', 'what is 5 * 5', { agentData: { ID: 'planner' } }), '?debug=1', debugToken);
    const started = result.frames.find((frame) => frame.type === 'debug' && (frame.debug as { type: string }).type === 'run.started');
    expect(started?.debug).toMatchObject({ agentId: 'planner' });
  });

  it('a resume (?convoId=&after=) closes after the turn it picks up, and keep_open=1 keeps the socket for more prompts', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/interact?keep_open=1`, { headers: { Authorization: `Bearer ${alice}` } });
    socket.send(platformObject('p-resume', 'what is 9 * 9'));
    for (let frame = await socket.next(); frame.type !== 'turn_end'; frame = await socket.next());
    const after = socket.lastSeq;
    socket.send(platformObject('p-resume', 'get all contacts'));
    for (let frame = await socket.next(); frame.type !== 'turn_end'; frame = await socket.next());
    socket.close();
    // Sends nothing: it replays the missed turn and the server closes once it has ended.
    const resumed = await TestSocket.open(`${t.wsUrl}/interact?convoId=p-resume&after=${after}`, { headers: { Authorization: `Bearer ${alice}` } });
    const frames: PlatformFrame[] = [];
    for (;;) {
      const frame = await Promise.race([resumed.next(), resumed.closed.then(() => null)]);
      if (!frame) break;
      frames.push(frame);
    }
    expect((await resumed.closed).code).toBe(1000);
    expect(textOf(frames)).toMatch(/I found \d+ contacts/);
  });
});

describe('WS /interact as the platform speaks it, with a provider', () => {
  const { app, model } = useScriptedModel();
  const turn = (object: object) => platformTurn(`${app().wsUrl}/interact`, alice, object);

  it('reports the provider\'s token counts and model at the end of the turn', async () => {
    model.enqueue({ kind: 'text', chunks: ['Hi ', 'there'], usage: { prompt_tokens: 31, completion_tokens: 4 } });
    const result = await turn(platformObject('s-usage', 'hello'));
    expect(closingOf(result.frames).metadata).toMatchObject({ inputTokens: 31, outputTokens: 4, llmUsed: 'test-model' });
  });

  it('turnsHistory is the model\'s context instead of the stored turns', async () => {
    model.enqueue({ kind: 'text', chunks: ['stored answer'] });
    await turn(platformObject('s-context', 'stored question'));
    model.enqueue({ kind: 'text', chunks: ['Paris, as you said.'] });
    const turnsHistory = [
      { from: 'human', ts: 1700000000, messages: [{ from: 'human', type: 'text', ts: 1700000000, item: { type: 'text', payload: { message: 'I live in Paris.' } } }] },
      { from: 'bot', ts: 1700000001, messages: [{ from: 'bot', type: 'choice', ts: 1700000001, item: { type: 'choice', payload: { buttons: [] } } }, { from: 'bot', type: 'text', ts: 1700000001, item: { type: 'text', payload: { message: 'Noted.' } } }] },
    ];
    await turn(platformObject('s-context', 'Where do I live?', { turnsHistory }));
    const sent = (model.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>).filter((message) => message.role !== 'system');
    expect(sent.map((message) => [message.role, message.content])).toEqual([
      ['user', 'I live in Paris.'],
      ['assistant', 'Noted.'],
      ['user', 'Where do I live?'],
    ]);
  });

  it('"@cancel:<reason>" cancels the turn in flight; both sockets close with 1000', async () => {
    model.enqueue({ kind: 'delay', ms: 3000, then: { kind: 'text', chunks: ['too late'] } });
    const running = turn(platformObject('s-cancel', 'take your time'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancel = await turn(platformObject('s-cancel', '@cancel:the user closed the widget'));
    expect(cancel).toMatchObject({ code: 1000, frames: [] });
    const cancelled = await running;
    expect(cancelled.code).toBe(1000);
    expect(cancelled.ms).toBeLessThan(2500);
    expect(cancelled.frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'cancelled' });
    expect(textOf(cancelled.frames)).toBe('');
  });
});
