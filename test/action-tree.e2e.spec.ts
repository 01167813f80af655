import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionTreeTestModule } from './support/action-tree.module';
import { databaseKinds, type DatabaseKind, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer, type ScriptedToolCall } from './support/openai-compatible-server';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const auth = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
const chat = (message: string) => ({ type: 'chat', message, metadata: null });
const calls = (...list: ScriptedToolCall[]) => ({ kind: 'tool_calls' as const, calls: list });
const text = (value: string) => ({ kind: 'text' as const, chunks: [value] });
const usage = (calls: number, inputTokens: number, outputTokens: number) => ({ calls, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('action trees on %s', (_name, kind: DatabaseKind) => {
  const model = new OpenAiCompatibleServer();
  let db: TestDatabase;
  let t: TestApp;
  const open = (route: string, query: string) => TestSocket.open(`${t.wsUrl}/base/${route}?${query}`, auth);

  const startApp = () =>
    startTestApp({
      databaseUrl: db.url,
      imports: [ActionTreeTestModule],
      env: { MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_API_KEY: '', MODEL_MAX_RETRIES: '0' },
    });

  beforeAll(async () => {
    await model.start();
    db = await kind.create();
    t = await startApp();
  });
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    await model.stop();
  });

  it('books a table end to end: nested lazy children, zod args with an array and an enum, a typed question, the post hook, the tree', async () => {
    const args = { people: 4, name: 'Ada', requests: ['high chair'], area: 'terrace' };
    model.enqueue(calls({ name: 'BookTable', arguments: args }));
    const socket = await open('testing/booking', 'message=table for 4 on the terrace&session_id=b-1');
    const question = { message: 'A table for 4 (terrace), under Ada. At what time?' };
    expect(await socket.next()).toEqual(question);
    socket.send(chat('soon'));
    expect(await socket.next()).toMatchObject({ ...question, error: { code: 'input.invalid' } });
    socket.send(chat('19:30'));
    const message = 'Booked: 4 at 19:30 on the terrace for Ada, with high chair.';
    expect(await socket.next()).toEqual({ message, booking: { ...args, time: '19:30' } });
    const tree = await socket.next();
    expect(tree).toEqual({
      event: 'context',
      data: [
        {
          name: 'FrontDesk',
          args: {},
          result: 'go',
          usage: usage(0, 0, 0),
          actions: [{ name: 'Reservations', args: {}, result: 'go', usage: usage(1, 10, 1), actions: [{ name: 'BookTable', args, result: 'go', usage: usage(0, 0, 0), actions: [] }] }],
        },
      ],
    });
    expect((await socket.closed).code).toBe(1000);
    // FrontDesk's only child has no fields: the one model call is Reservations' choice.
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]!.body.tools!.map((tool) => tool.function.name)).toEqual(['BookTable', 'CancelBooking']);
    expect(model.requests[0]!.body.tools![0]!.function.parameters).toMatchObject({ properties: { area: { enum: ['inside', 'terrace'] }, requests: { type: 'array' } } });
    const history = (await (await fetch(`${t.httpUrl}/history/b-1`, auth)).json()) as Array<{ content: string }>;
    expect(history.map((entry) => entry.content)).toEqual(['table for 4 on the terrace', 'Chose BookTable', message]);
  });

  it('tells the model why its arguments were refused and takes its second choice; a child without fields runs', async () => {
    model.enqueue(calls({ name: 'BookTable', arguments: { people: 20, name: 'Ada', area: 'roof' } }), calls({ name: 'CancelBooking', arguments: {} }));
    const socket = await open('testing/booking', 'message=cancel please&session_id=b-2');
    expect(await socket.next()).toEqual({ message: 'Your booking is cancelled.' });
    expect(await socket.next()).toMatchObject({ data: [{ actions: [{ usage: usage(2, 20, 2), actions: [{ name: 'CancelBooking', args: {} }] }] }] });
    const feedback = JSON.stringify(model.requests[1]!.body.messages!.at(-1));
    expect(feedback).toContain('Your choice BookTable was refused');
    expect(feedback).toContain('people');
    expect(feedback).toContain('area');
  });

  it('runs several children of one choice in order, with every ActionReturn: GO goes on, BREAK stops the round, post still runs', async () => {
    model.enqueue(calls({ name: 'Step', arguments: { label: 'a' } }, { name: 'Step', arguments: { label: 'b', outcome: 'break' } }, { name: 'Step', arguments: { label: 'c' } }));
    const socket = await open('tree/steps', 'message=three steps');
    expect(await socket.next()).toEqual({ step: 'a' });
    expect(await socket.next()).toEqual({ after: 'a' });
    expect(await socket.next()).toEqual({ step: 'b' });
    expect(await socket.next()).toEqual({ post: 'Steps' });
    const frame = await socket.next<{ result: string; data: Array<{ actions: Array<{ args: object; result: string }> }> }>();
    expect(frame.result).toBe('go');
    expect(frame.data[0]!.actions.map((node) => [node.args, node.result])).toEqual([
      [{ label: 'a', outcome: 'go' }, 'go'],
      [{ label: 'b', outcome: 'break' }, 'break'],
    ]);
  });

  it('END stops the whole chain: no sibling, no post, start() returns end', async () => {
    model.enqueue(calls({ name: 'Step', arguments: { label: 'a', outcome: 'end' } }, { name: 'Step', arguments: { label: 'b' } }));
    const socket = await open('tree/steps', 'message=end it');
    expect(await socket.next()).toEqual({ step: 'a' });
    expect(await socket.next()).toMatchObject({ event: 'context', result: 'end' });
  });

  it('runs the children of a concurrent action at the same time, each built with an injected provider', async () => {
    model.enqueue(calls({ name: 'MeetingStep', arguments: { label: 'x' } }, { name: 'MeetingStep', arguments: { label: 'y' } }));
    const socket = await open('tree/together', 'message=both');
    // Each waits at the rendezvous for the other: run one after the other, neither would leave.
    expect(await socket.next()).toEqual({ arrived: 'x' });
    expect(await socket.next()).toEqual({ arrived: 'y' });
    const left = [await socket.next(), await socket.next()];
    expect(left).toEqual(expect.arrayContaining([{ left: 'x' }, { left: 'y' }]));
    expect(await socket.next()).toMatchObject({ data: [{ actions: [{ args: { label: 'x' } }, { args: { label: 'y' } }] }] });
  });

  it('loops: the model sees what its children did and answers in words, which the default fallback sends', async () => {
    model.enqueue(calls({ name: 'Step', arguments: { label: 'a' } }), text('All done.'));
    const socket = await open('tree/loop', 'message=loop');
    expect(await socket.next()).toEqual({ step: 'a' });
    expect(await socket.next()).toEqual({ after: 'a' });
    expect(await socket.next()).toEqual({ message: 'All done.' });
    const second = model.requests[1]!.body.messages!;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ function: { name: 'Step' } }] });
    expect(second.at(-1)).toMatchObject({ role: 'tool' });
    expect(await socket.next()).toMatchObject({ data: [{ usage: usage(2, 20, 2) }] });
  });

  it('stops looping at maxIterations and asks the model for a final answer', async () => {
    model.enqueue(...['a', 'b', 'c'].map((label) => calls({ name: 'Step', arguments: { label } })), text('Three steps ran.'));
    const socket = await open('tree/loop', 'message=forever');
    for (const label of ['a', 'b', 'c']) {
      expect(await socket.next()).toEqual({ step: label });
      expect(await socket.next()).toEqual({ after: label });
    }
    expect(await socket.next()).toEqual({ message: 'Three steps ran.' });
    expect(model.requests[3]!.body.tools ?? []).toEqual([]);
  });

  it('hands a text answer to a fallback hook, and recovers from a child error in onError', async () => {
    model.enqueue(text('nothing to do'));
    const first = await open('tree/careful', 'message=nothing');
    expect(await first.next()).toEqual({ fallback: 'NOTHING TO DO' });
    expect(await first.next()).toMatchObject({ result: 'go' });

    model.enqueue(calls({ name: 'Step', arguments: { label: 'boom', outcome: 'throw' } }));
    const second = await open('tree/careful', 'message=boom');
    expect(await second.next()).toEqual({ step: 'boom' });
    expect(await second.next()).toEqual({ recovered: 'step boom failed' });
    expect(await second.next()).toMatchObject({ result: 'break', data: [{ result: 'break', actions: [{ result: 'failed' }] }] });
    expect((await second.closed).code).toBe(1000);
  });

  it('nests three levels, and the model sees the history, added messages and the parent arguments', async () => {
    model.enqueue(text('hello'));
    const earlier = await open('tree/careful', 'message=an earlier question&session_id=n-1');
    await earlier.next();
    await earlier.closed;

    model.enqueue(calls({ name: 'Middle', arguments: { topic: 'tides' } }), calls({ name: 'Step', arguments: { label: 'deep' } }));
    const socket = await open('tree/outer', 'message=go deep&session_id=n-1');
    expect(await socket.next()).toEqual({ step: 'deep' });
    expect(await socket.next()).toEqual({ after: 'deep' });
    expect(await socket.next()).toMatchObject({ data: [{ name: 'Outer', actions: [{ name: 'Middle', args: { topic: 'tides' }, actions: [{ name: 'Step' }] }] }] });
    // Outer has a single child with a field, so the model chooses it.
    const [, outerChoice, middleChoice] = model.requests;
    const contents = (request: typeof outerChoice) => request!.body.messages!.map((message) => message.content);
    expect(contents(outerChoice)).toEqual([expect.any(String), 'an earlier question', 'HELLO', 'go deep', 'a note from the top level'].filter((_, i) => i !== 2));
    expect(contents(middleChoice)).toContain('a note from the top level');
    expect(contents(middleChoice)[0]).toContain('Middle');
    expect(contents(middleChoice)[0]).toContain('{"topic":"tides"}');
  });

  it('lets an action call the model itself through context.llm, journaled, with its tokens in the tree', async () => {
    model.enqueue({ kind: 'text', chunks: ['Old pond'], usage: { prompt_tokens: 7, completion_tokens: 2 } }, text('{"mood":"calm"}'));
    const socket = await open('tree/writer', 'message=write');
    expect(await socket.next()).toEqual({ text: 'Old pond', object: { mood: 'calm' } });
    expect(await socket.next()).toMatchObject({ data: [{ name: 'Writer', usage: usage(2, 17, 3) }] });
    expect(model.requests[0]!.body.messages).toEqual([{ role: 'user', content: 'Write a haiku' }]);
    // The object's schema reaches the model (MODEL_STRUCTURED_OUTPUTS), not only a request for any JSON.
    const format = (model.requests[1]!.body as { response_format?: { type: string; json_schema?: { schema: unknown } } }).response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { schema: { properties: { mood: { type: 'string' } } } } });
  });

  it('resumes a loop of concurrent children and a context.llm call after a restart from the log alone, asking the model nothing again', async () => {
    model.enqueue(calls({ name: 'MeetingStep', arguments: { label: 'x' } }, { name: 'MeetingStep', arguments: { label: 'y' } }), text('done'), text('Sunny'));
    const before = await open('tree/trip', 'message=trip&session_id=trip-1');
    const live = [];
    for (let frame = 0; frame < 5; frame += 1) live.push(await before.next());
    expect(live).toEqual(expect.arrayContaining([{ arrived: 'x' }, { arrived: 'y' }, { left: 'x' }, { left: 'y' }, { message: 'done' }]));
    expect(await before.next()).toEqual({ question: 'Sunny: go?' });
    expect(model.requests).toHaveLength(3);
    await t.close();
    t = await startApp();

    const after = await open('tree/trip', 'message=ignored&session_id=trip-1');
    expect(await after.next()).toEqual({ question: 'Sunny: go?' });
    after.send(chat('yes'));
    expect(await after.next()).toEqual({ answer: 'yes' });
    // The replayed choices and the llm call kept their tokens; none was asked again.
    expect(await after.next()).toMatchObject({ data: [{ name: 'Trip', usage: { calls: 3, inputTokens: 30 }, actions: [{ args: { label: 'x' } }, { args: { label: 'y' } }] }] });
    expect((await after.closed).code).toBe(1000);
    expect(model.requests).toHaveLength(3);
  });
});
