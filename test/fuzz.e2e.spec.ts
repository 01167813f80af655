import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrame, WS_INVALID_FRAME, WS_UNTYPED_FRAME } from '../src/ws/ws-message';
import { untilEnd } from './support/chat-client';
import { frameProblems, type FrameChannel } from './support/frame-contract';
import { startTestApp, UNLIMITED, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

/**
 * Property-based tests of every edge: the frame parser, each protocol's frames over a real socket, and each REST
 * body or query. Inputs are ones the contracts refuse; the server must refuse them too, with a contract frame or a
 * declared 4xx, store nothing, and keep answering. Replay a failure with FUZZ_SEED=<seed> (printed in the test name
 * and in fast-check's report, with the path of the shrunk counterexample).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const options = { seed: SEED, numRuns: RUNS, endOnFailure: true } as const;
const auth = (sub = 'alice', roles: string[] = []) => ({ Authorization: `Bearer ${signToken(sub, { roles })}` });

/** Anything a client might put in a field: every JSON type, strings that look like ids and strings that do not. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', 'x'.repeat(129), 'a/b', '\u0000', '16', '@cancel:', 'start', '(default)', 'assistant', null, true, 0, -1, 1e308),
);
/** Objects of the frame's own field names with values of any type; `type`, when named, is mostly one the protocol routes. */
const objectWith = (fields: string[], types: string[] = []) =>
  fc
    .tuple(fc.dictionary(fc.constantFrom(...fields), anyValue, { maxKeys: fields.length }), fc.option(fc.oneof(fc.constantFrom(...types, 'auth'), anyValue), { freq: types.length > 0 ? 4 : 1000 }))
    .map(([object, type]) => (type === null || !fields.includes('type') ? object : { ...object, type }));
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A frame as raw text or bytes, kept only when the contract refuses it (random bytes are never JSON objects). */
function refusedFrames(channel: FrameChannel, fields: string[], types: string[] = []): fc.Arbitrary<string | Uint8Array> {
  const refused = (text: string) => !isJson(text) || frameProblems(channel, 'receive', JSON.parse(text)) !== null;
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    objectWith(fields, types).map((value) => JSON.stringify(value)),
    objectWith(fields, types).map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }),
  ).filter((frame) => (typeof frame === 'string' ? refused(frame) : refused(Buffer.from(frame).toString('utf8'))));
}

/** The refusal a protocol sends; a refused token-renewal (`auth`) frame is answered with `auth_error` on every protocol. */
const refusal = (protocolError: object): unknown => expect.toSatisfy((frame: Record<string, unknown>) => {
  if (frame.type === 'auth_error') return true;
  expect(frame).toMatchObject(protocolError);
  return true;
});

async function storedRows(t: TestApp): Promise<number> {
  const db = t.app.get(DataSource);
  const [chats] = await db.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS n FROM chats');
  const [events] = await db.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS n FROM chat_events');
  return Number(chats!.n) + Number(events!.n);
}

describe(`fuzzing the edges (seed ${SEED}, ${RUNS} runs a property)`, () => {
  let t: TestApp;

  beforeAll(async () => {
    // Thousands of frames from one user: the quotas (test/quotas.e2e.spec.ts) would refuse most of them unparsed.
    t = await startTestApp({ env: UNLIMITED });
  });
  afterAll(() => t.close());

  it('parseFrame routes any bytes to an event and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue().map((value) => JSON.stringify(value)), fc.uint8Array().map((bytes) => Buffer.from(bytes))), (data) => {
        const { event, data: routed } = parseFrame(data);
        expect(typeof event).toBe('string');
        if (event === WS_INVALID_FRAME) expect(routed).toEqual({ error: expect.any(String) as string });
        else expect(typeof routed === 'object' && routed !== null && !Array.isArray(routed)).toBe(true);
        if (event !== WS_INVALID_FRAME && event !== WS_UNTYPED_FRAME) expect((routed as { type: unknown }).type).toBe(event);
      }),
      { ...options, numRuns: RUNS * 3 },
    );
  });

  it('chat: every refused frame gets one agent_error, nothing is stored, the socket keeps answering', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/chat/fuzz-chat`, { headers: auth() });
    socket.send({ type: 'client', message: 'what is 2 + 2', message_id: 'before' });
    await untilEnd(socket, 'before');
    const rows = await storedRows(t);
    await fc.assert(
      fc.asyncProperty(refusedFrames('chat', ['type', 'message', 'message_id'], ['client', 'cancel', 'get_history']), async (frame) => {
        socket.socket.send(frame);
        expect(await socket.next()).toEqual(refusal({ type: 'agent_error', chat_id: 'fuzz-chat', error: expect.any(String) as string }));
      }),
      options,
    );
    expect(await storedRows(t)).toBe(rows);
    socket.send({ type: 'client', message: 'what is 3 + 3', message_id: 'after' });
    expect((await untilEnd(socket, 'after')).at(-1)).toMatchObject({ type: 'message_end', message_id: 'after' });
    socket.close();
  });

  it('interact: every refused frame gets one interact.invalid_object error, nothing is stored, the socket keeps answering', async () => {
    const fields = ['agentId', 'convoId', 'bucket', 'prompt', 'sessionId', 'disableRecordHistory', 'actionMetadata', 'agentData', 'lightConvoData', 'replyTo', 'turnsHistory', 'type'];
    const socket = await TestSocket.open(`${t.wsUrl}/interact?keep_open=1`, { headers: auth() });
    const rows = await storedRows(t);
    await fc.assert(
      fc.asyncProperty(refusedFrames('interact', fields), async (frame) => {
        socket.socket.send(frame);
        expect(await socket.next()).toEqual(refusal({ type: 'error', error: { code: 'interact.invalid_object', message: expect.any(String) as string } }));
      }),
      options,
    );
    expect(await storedRows(t)).toBe(rows);
    socket.send({ agentId: 'assistant', convoId: 'fuzz-interact', bucket: '(default)', prompt: 'what is 2 + 2' });
    let event: Record<string, unknown>;
    do event = await socket.next();
    while (event.type !== 'turn_end');
    expect(event).toMatchObject({ status: 'complete' });
    socket.close();
  });

  it('interactive: every refused frame gets one interactive.invalid_frame error, nothing is stored, the question still waits', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/base/testing/interactive?message=4x4&session_id=fuzz-session`, { headers: auth() });
    expect(await socket.next()).toEqual({ message: 'before I answer that give me your answer?' });
    const rows = await storedRows(t);
    await fc.assert(
      fc.asyncProperty(refusedFrames('interactive', ['type', 'message', 'metadata'], ['chat']), async (frame) => {
        socket.socket.send(frame);
        expect(await socket.next()).toEqual(refusal({ event: 'error', data: { code: 'interactive.invalid_frame', message: expect.any(String) as string } }));
      }),
      options,
    );
    expect(await storedRows(t)).toBe(rows);
    socket.send({ type: 'chat', message: '16', metadata: null });
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toMatchObject({ event: 'context' });
    expect((await socket.closed).code).toBe(1000);
  });

  describe('REST', () => {
    const post = (path: string, body: string, headers = auth('olive', ['operator'])) =>
      fetch(`${t.httpUrl}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const bodies = (fields: string[]) =>
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
        objectWith(fields).map((value) => JSON.stringify(value)),
        fc.string({ unit: 'binary', maxLength: 200 }),
      );
    /** Refused with a declared 4xx (the contract check on fetch fails an undeclared one), nothing stored. */
    const refusedWithoutStoring = async (res: Response, rows: number) => {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
      expect(await storedRows(t)).toBe(rows);
    };
    const stillServes = async () => expect((await post('/agent/run', JSON.stringify({ task: 'what is 2 + 2' }), auth())).status).toBe(200);

    it('POST /agent/run: any body answers 200 or a declared 4xx, never a 5xx, and stores nothing', async () => {
      const rows = await storedRows(t);
      await fc.assert(
        fc.asyncProperty(bodies(['task', 'chat_id', 'agent']), async (body) => {
          const res = await post('/agent/run', body, auth());
          if (res.status === 200) await res.arrayBuffer();
          else await refusedWithoutStoring(res, rows);
          expect(await storedRows(t)).toBe(rows);
        }),
        { ...options, numRuns: Math.ceil(RUNS / 2) },
      );
      await stillServes();
    });

    it('POST /conversations/{id}/messages: a bad body or id is refused with a declared 4xx and stores nothing', async () => {
      // A conversation handed off to an operator, so a valid reply would be stored: only refusals may leave the rows as they are.
      const ids = fc.oneof(fc.constantFrom('fuzz-handoff', 'nobody-here'), fc.string({ maxLength: 140 }).map(encodeURIComponent));
      const widget = await TestSocket.open(`${t.wsUrl}/interact`, { headers: auth('olive') });
      widget.send({ agentId: 'assistant', convoId: 'fuzz-handoff', bucket: '(default)', prompt: 'I want to talk to a person' });
      await widget.closed;
      const waiting = (await (await fetch(`${t.httpUrl}/conversations?status=handoff`, { headers: auth('olive', ['operator']) })).json()) as Array<{ convoId: string }>;
      expect(waiting.map((conversation) => conversation.convoId)).toContain('fuzz-handoff');
      const rows = await storedRows(t);
      await fc.assert(
        fc.asyncProperty(ids, bodies(['content']), async (id, body) => {
          const valid = isJson(body) && typeof (JSON.parse(body) as { content?: unknown } | null)?.content === 'string';
          fc.pre(!valid || id !== 'fuzz-handoff');
          const res = await post(`/conversations/${id}/messages`, body);
          await refusedWithoutStoring(res, rows);
        }),
        { ...options, numRuns: Math.ceil(RUNS / 2) },
      );
      await stillServes();
    });

    it('GET /history/{id}: any query string answers 200 or 400, never a 5xx', async () => {
      const query = fc.dictionary(fc.oneof(fc.constantFrom('limit', 'before', 'after'), fc.string({ maxLength: 8 })), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.double().map(String)), { maxKeys: 4 });
      await fc.assert(
        fc.asyncProperty(query, fc.constantFrom('fuzz-chat', 'fuzz-interact', 'nothing'), async (params, id) => {
          const res = await fetch(`${t.httpUrl}/history/${id}?${new URLSearchParams(params).toString()}`, { headers: auth() });
          expect([200, 400]).toContain(res.status);
          await res.arrayBuffer();
        }),
        options,
      );
      expect((await fetch(`${t.httpUrl}/history/fuzz-chat`, { headers: auth() })).status).toBe(200);
    });
  });
});
