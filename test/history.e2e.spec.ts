import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatLogEntry } from '../src/history/chat-log';
import { EventLog } from '../src/event-log/event-log';
import type { LogEvent } from '../src/history/chat-log';
import { HistoryRepository } from '../src/history/history.repository';
import { databaseKinds } from './support/databases';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';

// before=99999999999 overflows the 32-bit seq column: without @Max it was a 500 on PostgreSQL.
const BAD_QUERIES = [
  ...['limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'limit='],
  ...['before=0', 'before=-3', 'before=x', 'before=99999999999', 'limit=3&page=2&before=0'],
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const user = (content: string, messageId = 'm1'): ChatLogEntry => ({ type: 'user.message', payload: { messageId, content } });
const step = (stepType: 'PlanningStep' | 'ActionStep' | 'FinalAnswerStep', content: string, messageId = 'm1'): ChatLogEntry => ({
  type: 'step.finished',
  payload: { messageId, step: 1, stepType, content },
});
const ended: ChatLogEntry = { type: 'run.finished', payload: { messageId: 'm1', answer: '' } };

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('GET /history/{chat_id} on %s', (_name, kind) => {
  let t: TestApp;
  let history: HistoryRepository;
  let counter = 0;
  // Each test seeds its own chat ids, so they share one app and database.
  const seed = async (entries: ChatLogEntry[], owner = 'alice'): Promise<[string, LogEvent[]]> => {
    const chatId = `chat-${++counter}`;
    await history.claimChat(chatId, owner);
    return [chatId, await t.app.get(EventLog).append(chatId, entries.map((e) => ({ ...e, runId: null }) as LogEvent))];
  };
  const get = (path: string, sub: string | null = 'alice', headers: Record<string, string> = {}) =>
    fetch(`${t.httpUrl}${path}`, { headers: { ...headers, ...(sub ? { Authorization: `Bearer ${signToken(sub)}` } : {}) } });

  beforeAll(async () => {
    if (!kind.available) return;
    t = await startTestApp({ database: kind });
    history = t.app.get(HistoryRepository);
  });
  afterAll(async () => {
    if (kind.available) await t.close();
  });

  it.skipIf(!kind.available)('returns the documented items oldest first, with message ids, ISO UTC timestamps and run.ended skipped', async () => {
    const [chatId, stored] = await seed([
      user('get all contacts', 'abc123'),
      step('ActionStep', 'Execution logs...', 'abc123'),
      step('FinalAnswerStep', '[…]', 'abc123'),
      ended,
      user('thanks', 'def456'),
    ]);
    const res = await get(`/history/${chatId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-next-before')).toBeNull();
    const body = (await res.json()) as Array<Record<string, unknown>>;
    const at = (i: number) => stored[i]!.createdAt.toISOString();
    expect(body).toEqual([
      { role: 'user', content: 'get all contacts', message_id: 'abc123', step_type: null, timestamp: at(0) },
      { role: 'agent', content: 'Execution logs...', message_id: 'abc123', step_type: 'ActionStep', timestamp: at(1) },
      { role: 'agent', content: '[…]', message_id: 'abc123', step_type: 'FinalAnswerStep', timestamp: at(2) },
      { role: 'user', content: 'thanks', message_id: 'def456', step_type: null, timestamp: at(4) },
    ]);
    for (const item of body) {
      expect(Object.keys(item)).toEqual(['role', 'content', 'message_id', 'step_type', 'timestamp']);
      expect(item.timestamp).toMatch(ISO_UTC);
    }
  });

  it.skipIf(!kind.available)('answers an owned chat with no items with an empty array', async () => {
    const [chatId] = await seed([ended]);
    const res = await get(`/history/${chatId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it.skipIf(!kind.available)('pages backwards through 25 items, 10 at a time, each exactly once', async () => {
    // A run.ended after every agent step, so pages must count history items, not log rows.
    const entries = Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? [user(`u${i}`)] : [step('ActionStep', `a${i}`), ended])).flat();
    const [chatId, stored] = await seed(entries);
    const itemSeqs = stored.filter((e) => e.type !== 'run.finished').map((e) => e.seq);

    const pages: string[][] = [];
    const cursors: Array<string | null> = [];
    let query = '?limit=10';
    for (;;) {
      const res = await get(`/history/${chatId}${query}`);
      expect(res.status).toBe(200);
      pages.push(((await res.json()) as Array<{ content: string }>).map((item) => item.content));
      const next = res.headers.get('x-next-before');
      cursors.push(next);
      if (next === null) break;
      query = `?limit=10&before=${next}`;
    }
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    const all = pages.reverse().flat();
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? `u${i}` : `a${i}`)));
    expect(cursors).toEqual([String(itemSeqs[15]), String(itemSeqs[5]), null]);
  });

  it.skipIf(!kind.available)('defaults to the newest 100 items and returns nothing before the first item', async () => {
    const [chatId, stored] = await seed(Array.from({ length: 101 }, (_, i) => user(`u${i}`)));
    const res = await get(`/history/${chatId}`);
    const body = (await res.json()) as Array<{ content: string }>;
    expect(body).toHaveLength(100);
    expect(body[0]!.content).toBe('u1');
    expect(res.headers.get('x-next-before')).toBe(String(stored[1]!.seq));

    const first = await get(`/history/${chatId}?before=${stored[0]!.seq}`);
    expect(await first.json()).toEqual([]);
    expect(first.headers.get('x-next-before')).toBeNull();
  });

  it.skipIf(!kind.available)("answers an unknown chat and another user's chat with the same 200 [], headers and all", async () => {
    const [chatId] = await seed([user('secret'), step('ActionStep', 'a'), step('ActionStep', 'b')], 'bob');
    const sameId = { 'X-Request-Id': 'req-history-empty' };
    // A page size the foreign chat overflows: its X-Next-Before would give it away.
    const foreign = await get(`/history/${chatId}?limit=1`, 'alice', sameId);
    const unknown = await get('/history/nobody-has-this-chat?limit=1', 'alice', sameId);
    expect([foreign.status, unknown.status]).toEqual([200, 200]);
    const headers = (res: Response) => [...res.headers].filter(([name]) => name !== 'date');
    expect(headers(foreign)).toEqual(headers(unknown));
    expect(foreign.headers.get('x-next-before')).toBeNull();
    const body = await foreign.text();
    expect(body).toBe(await unknown.text());
    expect(JSON.parse(body)).toEqual([]);
    expect(await (await get(`/history/${chatId}?limit=1`, 'bob')).json()).toHaveLength(1);
  });

  it.skipIf(!kind.available)('ignores query parameters it does not know, and still validates the ones it does', async () => {
    const [chatId] = await seed([user('one'), user('two')]);
    const res = await get(`/history/${chatId}?limit=1&page=2&sort=desc`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ content: string }>).map((item) => item.content)).toEqual(['two']);
    expect(res.headers.get('x-next-before')).not.toBeNull();
  });

  it.skipIf(!kind.available)('refuses a request without a token with 401', async () => {
    const [chatId] = await seed([user('hi')]);
    const res = await get(`/history/${chatId}`, null);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, code: 'auth.missing_token' });
  });

  it.skipIf(!kind.available).each(['bad%20id', 'a'.repeat(200), 'semi%3Bcolon'])('refuses chat id %s with 400 chat.invalid_id', async (id) => {
    const res = await get(`/history/${id}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'chat.invalid_id' });
  });

  it.skipIf(!kind.available).each(BAD_QUERIES)('refuses the query %s with 400 validation_failed', async (query) => {
    const [chatId] = await seed([user('hi')]);
    const res = await get(`/history/${chatId}?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'validation_failed', details: expect.any(Array) as unknown[] });
  });

  it.skipIf(!kind.available)('is documented in OpenAPI with its query, header and every status', async () => {
    const doc = (await (await fetch(`${t.httpUrl}/docs-json`)).json()) as {
      paths: Record<string, { get?: Record<string, unknown> & { responses: Record<string, Record<string, unknown>> } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    };
    const op = doc.paths['/history/{chat_id}']!.get!;
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'chat_id', in: 'path', required: true }),
        expect.objectContaining({ name: 'limit', in: 'query', required: false }),
        expect.objectContaining({ name: 'before', in: 'query', required: false }),
      ]),
    );
    const schemaOf = (status: string) => (op.responses[status]!.content as Record<string, { schema: unknown }>)['application/json']!.schema;
    // No 404: an unknown or foreign chat is an empty page.
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '429', '500', '503']);
    expect(schemaOf('200')).toEqual({ type: 'array', items: { $ref: '#/components/schemas/HistoryEntry' } });
    expect(op.responses['200']!.headers).toHaveProperty('X-Next-Before');
    for (const status of ['400', '401', '500', '503']) {
      expect(schemaOf(status)).toMatchObject({ allOf: expect.arrayContaining([{ $ref: '#/components/schemas/ErrorResponse' }]) as unknown });
    }
    const entry = doc.components.schemas.HistoryEntry!;
    expect(Object.keys(entry.properties).sort()).toEqual(['content', 'message_id', 'role', 'step_type', 'timestamp']);
    expect(entry.required.sort()).toEqual(['content', 'message_id', 'role', 'step_type', 'timestamp']);
    expect(entry.properties.message_id).toMatchObject({ type: 'string' });
  });
});
