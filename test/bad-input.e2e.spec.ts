import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { databaseKinds } from './support/databases';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

/** A JSON object `levels` deep in all (the object itself is the first level), with `fields` beside the nesting. */
function nested(levels: number, fields: Record<string, unknown>, key = 'deep'): string {
  const head = JSON.stringify(fields).slice(0, -1);
  return `${head}${head.length > 1 ? ',' : ''}"${key}":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
}

const bearer = (sub: string, roles: string[] = []) => ({ Authorization: `Bearer ${signToken(sub, { roles })}` });

async function rowCount(t: TestApp): Promise<number> {
  const db = t.app.get(DataSource);
  const [chats] = await db.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS n FROM chats');
  const [events] = await db.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS n FROM chat_events');
  return Number(chats!.n) + Number(events!.n);
}

describe('deeply nested JSON', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string, body: string) =>
    fetch(`${t.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('olive', ['operator']) }, body });

  it.each([
    ['/agent/run', { task: 'get all contacts', chat_id: 'deep-run' }],
    ['/conversations/deep-convo/messages', { content: 'hello' }],
    ['/conversations/deep-convo/release', {}],
  ])('POST %s: 3,000 levels (about 6 KB) → 400 request.too_deep, nothing stored', async (path, fields) => {
    const rows = await rowCount(t);
    const body = nested(3000, fields);
    expect(body.length).toBeLessThan(7000);
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'request.too_deep', message: expect.stringContaining('64') as string });
    expect(await rowCount(t)).toBe(rows);
  });

  it('lets 64 levels through to the route; 65 are refused', async () => {
    const at = await post('/conversations/deep-convo/messages', nested(64, { content: 'hello' }));
    expect(await at.json()).toMatchObject({ code: 'chat.not_found' });
    const over = await post('/conversations/deep-convo/messages', nested(65, { content: 'hello' }));
    expect(await over.json()).toMatchObject({ code: 'request.too_deep' });
  });

  // As deep as the REST bodies; sendMalformed's contract check stringifies the frame, which overflows near 10,000.
  const DEEP_FRAME = 3000;
  const refusal = 'The frame nests deeper than 64 levels';

  it('chat: a frame nested too deep gets the invalid-frame agent_error; the socket keeps working', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/chat/deep-chat`, { headers: bearer('alice') });
    socket.sendMalformed(nested(DEEP_FRAME, { type: 'client', message_id: 'd1' }, 'message'));
    expect(await socket.next()).toEqual({ type: 'agent_error', error: refusal, chat_id: 'deep-chat' });
    socket.send({ type: 'client', message: 'hello', message_id: 'ok' });
    expect((await untilEnd(socket, 'ok')).at(-1)).toMatchObject({ type: 'message_end' });
    socket.close();
  });

  it('interact: a frame nested too deep gets interact.invalid_object; the socket keeps working', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/interact?keep_open=1`, { headers: bearer('alice') });
    const object = { agentId: 'assistant', convoId: 'deep-interact', bucket: 'voiceglow-eu' };
    socket.sendMalformed(nested(DEEP_FRAME, object, 'prompt'));
    let event = await socket.next<{ type: string; error?: { code: string; message: string } }>();
    while (event.type !== 'error') event = await socket.next();
    expect(event.error).toMatchObject({ code: 'interact.invalid_object', message: refusal });
    socket.send({ ...object, prompt: 'hello' });
    do event = await socket.next();
    while (event.type !== 'turn_end' && event.type !== 'error');
    expect(event.type).toBe('turn_end');
    socket.close();
  });

  it('interactive: a frame nested too deep gets interactive.invalid_frame; the session keeps working', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/base/testing/interactive?message=4x4&session_id=deep-session`, { headers: bearer('alice') });
    expect(await socket.next()).toEqual({ message: 'before I answer that give me your answer?' });
    socket.sendMalformed(nested(DEEP_FRAME, { type: 'chat' }, 'message'));
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'interactive.invalid_frame', message: refusal } });
    socket.send({ type: 'chat', message: '16', metadata: null });
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
  });
});

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('token sub bounds on %s', (_name, kind) => {
  let t: TestApp;

  beforeAll(async () => {
    if (kind.available) t = await startTestApp({ database: kind });
  });
  afterAll(async () => {
    if (kind.available) await t.close();
  });

  it.skipIf(!kind.available).each([
    ['256 characters', 'u'.repeat(256)],
    ['a NUL', 'ali\u0000ce'],
  ])('refuses a sub of %s with 401 auth.invalid_sub, on REST and at the WebSocket upgrade', async (_what, sub) => {
    const res = await fetch(`${t.httpUrl}/history/sub-chat`, { headers: bearer(sub) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'auth.invalid_sub' });
    expect(await TestSocket.refusal(`${t.wsUrl}/chat/sub-chat`, { headers: bearer(sub) })).toMatchObject({ status: 401, body: { code: 'auth.invalid_sub' } });
  });

  it.skipIf(!kind.available)('accepts and stores a sub of 255 characters, multi-byte ones included', async () => {
    const sub = 'é'.repeat(200) + '😀'.repeat(55);
    const socket = await TestSocket.open(`${t.wsUrl}/chat/long-owner`, { headers: bearer(sub) });
    socket.send({ type: 'client', message: 'hello', message_id: 'm1' });
    expect((await untilEnd(socket, 'm1')).at(-1)).toMatchObject({ type: 'message_end' });
    socket.close();
    const res = await fetch(`${t.httpUrl}/history/long-owner`, { headers: bearer(sub) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBeGreaterThan(1);
  });
});
