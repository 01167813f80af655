import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HistoryService } from '../src/history/history.service';
import { databaseKinds } from './support/databases';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { untilEnd, type Frame } from './support/chat-client';
import { TestSocket } from './support/ws-client';

const bearer = (sub: string) => ({ headers: { Authorization: `Bearer ${signToken(sub)}` } });

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('chat step stream on %s', (_name, kind) => {
  let t: TestApp;
  const open = (chatId: string, sub = 'alice', query = '') => TestSocket.open(`${t.wsUrl}/chat/${chatId}${query}`, bearer(sub));
  const history = (chatId: string, sub = 'alice') => fetch(`${t.httpUrl}/history/${chatId}`, bearer(sub));

  beforeAll(async () => {
    if (kind.available) t = await startTestApp({ database: kind });
  });
  afterAll(async () => {
    if (kind.available) await t.close();
  });

  it.skipIf(!kind.available)('runs the documented example: agent_step frames, message_end, then the turn in the history', async () => {
    const socket = await open('chat_id47');
    socket.send({ type: 'client', message: 'get all contacts', message_id: 'abc123' });
    const frames = await untilEnd(socket, 'abc123');
    expect(frames.map((frame) => [frame.type, frame.step_type])).toEqual([
      ['agent_step', 'ActionStep'],
      ['agent_step', 'FinalAnswerStep'],
      ['message_end', undefined],
    ]);
    for (const frame of frames.slice(0, 2)) {
      expect(Object.keys(frame).sort()).toEqual(['chat_id', 'message', 'message_id', 'step_type', 'type']);
      expect(frame).toMatchObject({ message_id: 'abc123', chat_id: 'chat_id47' });
    }
    expect(frames[0]!.message).toMatch(/^Execution logs:\n/);
    expect(frames[1]!.message).toMatch(/^I found 20 contacts:/);
    expect(frames[2]).toEqual({ type: 'message_end', message_id: 'abc123', chat_id: 'chat_id47' });
    socket.close();

    const turn = (await (await history('chat_id47')).json()) as Frame[];
    expect(turn.map((entry) => [entry.role, entry.step_type])).toEqual([
      ['user', null],
      ['agent', 'ActionStep'],
      ['agent', 'FinalAnswerStep'],
    ]);
    expect(turn[0]!.content).toBe('get all contacts');
    expect(turn[2]!.content).toBe(frames[1]!.message);
  });

  it.skipIf(!kind.available)('streams agent_step_delta frames only to sockets that asked with ?stream=1', async () => {
    const plain = await open('chat-stream');
    const streaming = await open('chat-stream', 'alice', '?stream=1');
    plain.send({ type: 'client', message: 'what is 12 * 7', message_id: 'm1' });
    const [plainFrames, streamFrames] = await Promise.all([untilEnd(plain, 'm1'), untilEnd(streaming, 'm1')]);
    expect(plainFrames.some((frame) => frame.type === 'agent_step_delta')).toBe(false);
    const deltas = streamFrames.filter((frame) => frame.type === 'agent_step_delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(Object.keys(deltas[0]!).sort()).toEqual(['chat_id', 'delta', 'message_id', 'type']);
    const final = streamFrames.find((frame) => frame.step_type === 'FinalAnswerStep')!;
    expect(deltas.map((delta) => delta.delta).join('')).toBe(final.message);
    expect(streamFrames.indexOf(deltas.at(-1)!)).toBeLessThan(streamFrames.indexOf(final));
    plain.close();
    streaming.close();
  });

  it.skipIf(!kind.available)('keeps a chat to the user who first used it: 403 before the upgrade, and an empty history like an unknown chat', async () => {
    const socket = await open('alice-private');
    socket.send({ type: 'client', message: 'hello', message_id: 'p1' });
    await untilEnd(socket, 'p1');
    socket.close();
    const refusal = await TestSocket.refusal(`${t.wsUrl}/chat/alice-private`, bearer('mallory'));
    expect(refusal.status).toBe(403);
    expect(refusal.body).toMatchObject({ code: 'chat.forbidden' });
    expect(JSON.stringify(refusal.body)).not.toContain('alice');
    const foreign = await history('alice-private', 'mallory');
    const unknown = await history('never-used', 'mallory');
    expect([foreign.status, unknown.status]).toEqual([200, 200]);
    expect(await foreign.json()).toEqual([]);
    expect(await unknown.json()).toEqual([]);
  });

  it.skipIf(!kind.available)('answers get_history with chat_history: the same rows as GET /history, with message ids', async () => {
    const socket = await open('chat-get-history');
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toEqual({ type: 'chat_history', chat_id: 'chat-get-history', history: [] });
    socket.send({ type: 'client', message: 'get all contacts', message_id: 'h1' });
    await untilEnd(socket, 'h1');
    socket.send({ type: 'get_history', message_id: 'ignored', limit: 1 });
    const frame = await socket.next<{ type: string; chat_id: string; history: Frame[] }>();
    expect(Object.keys(frame).sort()).toEqual(['chat_id', 'history', 'type']);
    expect(frame.history.map((row) => [row.role, row.message_id, row.step_type])).toEqual([
      ['user', 'h1', null],
      ['agent', 'h1', 'ActionStep'],
      ['agent', 'h1', 'FinalAnswerStep'],
    ]);
    expect(frame.history).toEqual(await (await history('chat-get-history')).json());
    socket.close();
  });

  it.skipIf(!kind.available)('gives a socket that joins a chat with a past its history on get_history, at the seq it joined', async () => {
    const first = await open('chat-rejoin');
    first.send({ type: 'client', message: 'what is 12 * 7', message_id: 'r1' });
    await untilEnd(first, 'r1');
    first.close();
    const later = await open('chat-rejoin');
    later.send({ type: 'get_history' });
    const frame = await later.next<{ history: Frame[] }>();
    expect(frame.history.map((row) => [row.role, row.message_id])).toEqual([
      ['user', 'r1'],
      ['agent', 'r1'],
      ['agent', 'r1'],
    ]);
    expect(later.lastSeq).toBe(first.lastSeq);
    later.close();
  });

  it.skipIf(!kind.available)('accepts a cancel of a message that already ended without a frame: nothing follows its message_end', async () => {
    const socket = await open('chat-late-cancel');
    socket.send({ type: 'client', message: 'what is 12 * 7', message_id: 'done' });
    await untilEnd(socket, 'done');
    socket.send({ type: 'cancel', message_id: 'done' });
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toMatchObject({ type: 'chat_history' });
    socket.close();
  });

  it.skipIf(!kind.available)('sends nothing after message_end when a cancel sent before it arrives finds the run ended', async () => {
    const socket = await open('chat-racing-cancel');
    for (let i = 0; i < 5; i++) {
      const messageId = `race-${i}`;
      socket.send({ type: 'client', message: 'what is 12 * 7', message_id: messageId });
      // The answer is the last step: the run ends right after it, while the cancel is on its way.
      let frame = await socket.next();
      while (frame.step_type !== 'FinalAnswerStep') frame = await socket.next();
      socket.send({ type: 'cancel', message_id: messageId });
      const rest = await untilEnd(socket, messageId);
      expect(rest.every((frame) => frame.message_id === messageId)).toBe(true);
      socket.send({ type: 'get_history' });
      expect(await socket.next()).toMatchObject({ type: 'chat_history' });
    }
    socket.close();
  });

  it.skipIf(!kind.available)('refuses a cancel of a message the chat never had with an agent_error and no message_end', async () => {
    const socket = await open('chat-unknown-cancel');
    socket.send({ type: 'cancel', message_id: 'never-sent' });
    expect(await socket.next()).toEqual({
      type: 'agent_error',
      error: 'No message never-sent is running or waiting in this chat',
      chat_id: 'chat-unknown-cancel',
      message_id: 'never-sent',
      code: 'chat.unknown_message',
    });
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toMatchObject({ type: 'chat_history', history: [] });
    socket.close();
  });
});

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('chat step stream refusals and bad input on %s', (_name, database) => {
  let t: TestApp;
  const open = (chatId: string) => TestSocket.open(`${t.wsUrl}/chat/${chatId}`, bearer('alice'));

  beforeAll(async () => {
    t = await startTestApp({ database, env: { WS_MAX_PAYLOAD_BYTES: '4096' } });
  });
  afterAll(() => t.close());

  it.each([
    ['has a space', 'bad%20id'],
    ['is too long', 'x'.repeat(129)],
    ['has a slash', 'a%2Fb'],
  ])('refuses a chat id that %s with 400 before the upgrade', async (_what, chatId) => {
    const refusal = await TestSocket.refusal(`${t.wsUrl}/chat/${chatId}`, bearer('alice'));
    expect(refusal).toMatchObject({ status: 400, body: { code: 'chat.invalid_id' } });
  });

  it('refuses an upgrade without a token with 401', async () => {
    expect((await TestSocket.refusal(`${t.wsUrl}/chat/x`)).status).toBe(401);
  });

  it('answers every malformed frame with an agent_error naming the problem, stores nothing, keeps the socket', async () => {
    const socket = await open('chat-bad');
    const cases: Array<[unknown, string, string | undefined]> = [
      ['not json', 'The frame is not valid JSON', undefined],
      [{ type: 'launch', message: 'x', message_id: 'a' }, 'Unknown message type "launch"', undefined],
      [{ message: 'x', message_id: 'a' }, 'The frame needs a "type": "client", "cancel", "approve", "reject" or "get_history"', undefined],
      [{ type: 7, message: 'x', message_id: 'a' }, 'The frame\'s "type" must be a string', undefined],
      [{ type: 'chat_history' }, 'Unknown message type "chat_history"', undefined],
      [{ type: 'client', message_id: 'm1' }, 'message must be a non-empty string', 'm1'],
      [{ type: 'client', message: '   ', message_id: 'm2' }, 'message must be a non-empty string', 'm2'],
      [{ type: 'client', message: 'hi', message_id: '' }, 'message_id must be a non-empty string', undefined],
      [{ type: 'client', message: 42, message_id: 'm3' }, 'message must be a non-empty string', 'm3'],
      [{ type: 'client', message: 'hi', message_id: 7 }, 'message_id must be a non-empty string', undefined],
    ];
    for (const [frame, error, messageId] of cases) {
      socket.sendMalformed(frame);
      const expected: Frame = { type: 'agent_error', error, chat_id: 'chat-bad' };
      if (messageId) expected.message_id = messageId;
      expect(await socket.next()).toEqual(expected);
    }
    socket.send({ type: 'client', message: 'hello', message_id: 'ok' });
    expect((await untilEnd(socket, 'ok')).at(-1)).toMatchObject({ type: 'message_end' });
    const stored = (await (await fetch(`${t.httpUrl}/history/chat-bad`, bearer('alice'))).json()) as Frame[];
    expect(stored.map((entry) => entry.content)).toEqual(['hello', expect.any(String)]);
    socket.close();
  });

  it('answers get_history with an agent_error when the history cannot be read, and keeps the socket', async () => {
    const socket = await open('chat-history-down');
    const page = vi.spyOn(t.app.get(HistoryService), 'page').mockRejectedValueOnce(new Error('database down'));
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toEqual({ type: 'agent_error', error: 'The history could not be read; please try again', chat_id: 'chat-history-down' });
    page.mockRestore();
    socket.send({ type: 'get_history' });
    expect(await socket.next()).toMatchObject({ type: 'chat_history', history: [] });
    socket.close();
  });

  it('closes with 1009 on a frame over WS_MAX_PAYLOAD_BYTES', async () => {
    const socket = await open('chat-big');
    socket.send({ type: 'client', message: 'x'.repeat(5000), message_id: 'big' });
    expect((await socket.closed).code).toBe(1009);
  });
});
