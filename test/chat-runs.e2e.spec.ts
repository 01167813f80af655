import { describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { databaseKinds, type DatabaseKind } from './support/databases';
import type { Reply } from './support/openai-compatible-server';
import { useScriptedModel, type ScriptedModel } from './support/scripted-model';
import type { TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const bearer = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
const slow = (text: string, ms = 400): Reply => ({ kind: 'delay', ms, then: { kind: 'text', chunks: [text] } });

/** One app per policy, each answering from a scripted model so runs last as long as a test needs. */
function withApp(database: DatabaseKind, env: Record<string, string>, body: (ctx: ScriptedModel) => void): void {
  body(useScriptedModel({ database, env }));
}

const historyOf = async (t: TestApp, chatId: string) =>
  (await (await fetch(`${t.httpUrl}/history/${chatId}`, bearer)).json()) as Frame[];

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('chat runs on %s', (_name, database) => {
  describe('CHAT_BUSY_POLICY=enqueue (default)', () => {
    withApp(database, {}, ({ app, model }) => {
      it('runs a second message after the first, in order, and gives the model the earlier turn', async () => {
        model.enqueue(slow('first answer'), { kind: 'text', chunks: ['second answer'] });
        const socket = await TestSocket.open(`${app().wsUrl}/chat/q1`, bearer);
        socket.send({ type: 'client', message: 'one', message_id: 'a' });
        socket.send({ type: 'client', message: 'two', message_id: 'b' });
        const first = await untilEnd(socket, 'a');
        const second = await untilEnd(socket, 'b');
        expect(first.map((frame) => frame.message ?? frame.type)).toEqual(['first answer', 'message_end']);
        expect(second.map((frame) => frame.message ?? frame.type)).toEqual(['second answer', 'message_end']);
        const memory = model.requests[1]!.body.messages as Array<{ role: string; content: unknown }>;
        expect(memory.filter((message) => message.role !== 'system').map((message) => [message.role, message.content])).toEqual([
          ['user', 'one'],
          ['assistant', 'first answer'],
          ['user', 'two'],
        ]);
        socket.close();
      });

      it('cancels the running message on {"type":"cancel"}: agent_error, message_end, model request dropped', async () => {
        model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
        const socket = await TestSocket.open(`${app().wsUrl}/chat/c1`, bearer);
        socket.send({ type: 'client', message: 'think hard', message_id: 'x' });
        await new Promise((resolve) => setTimeout(resolve, 100));
        socket.send({ type: 'cancel', message_id: 'x' });
        expect(await untilEnd(socket, 'x')).toEqual([
          { type: 'agent_error', error: 'cancelled', chat_id: 'c1', message_id: 'x' },
          { type: 'message_end', message_id: 'x', chat_id: 'c1' },
        ]);
        await model.waitForAbort();
        // Cancelling it again is a no-op: the next frame is the refusal of a message the chat never had.
        socket.send({ type: 'cancel', message_id: 'x' });
        socket.send({ type: 'cancel', message_id: 'nope' });
        expect(await socket.next()).toMatchObject({ type: 'agent_error', message_id: 'nope', error: expect.stringMatching(/No message nope/) as string });
        socket.close();
      });

      it('answers get_history mid-run with the rows up to that point; the frames after it carry on', async () => {
        model.enqueue({ kind: 'tool_calls', calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, slow('42', 300));
        const socket = await TestSocket.open(`${app().wsUrl}/chat/h1`, bearer);
        socket.send({ type: 'client', message: 'six times seven', message_id: 'm' });
        expect(await socket.next()).toMatchObject({ type: 'agent_step', step_type: 'ActionStep' });
        socket.send({ type: 'get_history' });
        const snapshot = await socket.next<{ type: string; history: Frame[] }>();
        expect(snapshot.type).toBe('chat_history');
        expect(snapshot.history.map((row) => [row.role, row.message_id, row.step_type])).toEqual([
          ['user', 'm', null],
          ['agent', 'm', 'ActionStep'],
        ]);
        expect((await untilEnd(socket, 'm')).map((frame) => frame.step_type ?? frame.type)).toEqual(['FinalAnswerStep', 'message_end']);
        socket.close();
      });

      it('finishes a run whose client disconnected, with every step in the history (CHAT_DISCONNECT_POLICY=finish)', async () => {
        model.enqueue({ kind: 'tool_calls', calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, slow('42', 300));
        const socket = await TestSocket.open(`${app().wsUrl}/chat/d1`, bearer);
        socket.send({ type: 'client', message: 'six times seven', message_id: 'm' });
        expect(await socket.next()).toMatchObject({ type: 'agent_step', step_type: 'ActionStep' });
        socket.close();
        await expect.poll(async () => (await historyOf(app(), 'd1')).length, { timeout: 5000 }).toBe(3);
        expect((await historyOf(app(), 'd1')).map((entry) => entry.step_type)).toEqual([null, 'ActionStep', 'FinalAnswerStep']);
      });
    });
  });

  describe('CHAT_BUSY_POLICY=reject', () => {
    withApp(database, { CHAT_BUSY_POLICY: 'reject' }, ({ app, model }) => {
      it('refuses a second message while one runs, and stores nothing of it', async () => {
        model.enqueue(slow('done'));
        const socket = await TestSocket.open(`${app().wsUrl}/chat/r1`, bearer);
        socket.send({ type: 'client', message: 'one', message_id: 'a' });
        socket.send({ type: 'client', message: 'two', message_id: 'b' });
        expect(await socket.next()).toEqual({
          type: 'agent_error',
          error: 'The chat is busy: a message is still being answered',
          chat_id: 'r1',
          message_id: 'b',
          code: 'chat.busy',
        });
        expect((await untilEnd(socket, 'a')).at(-1)).toMatchObject({ type: 'message_end', message_id: 'a' });
        expect((await historyOf(app(), 'r1')).map((entry) => entry.content)).toEqual(['one', 'done']);
        socket.close();
      });
    });
  });

  describe('CHAT_BUSY_POLICY=interrupt', () => {
    withApp(database, { CHAT_BUSY_POLICY: 'interrupt' }, ({ app, model }) => {
      it('cancels the running message ("interrupted", message_end) and answers the new one', async () => {
        model.enqueue({ kind: 'hang', chunks: ['Hmm'] }, { kind: 'text', chunks: ['second'] });
        const socket = await TestSocket.open(`${app().wsUrl}/chat/i1`, bearer);
        socket.send({ type: 'client', message: 'one', message_id: 'a' });
        await new Promise((resolve) => setTimeout(resolve, 150));
        socket.send({ type: 'client', message: 'two', message_id: 'b' });
        expect(await untilEnd(socket, 'a')).toEqual([
          { type: 'agent_error', error: 'interrupted', chat_id: 'i1', message_id: 'a' },
          { type: 'message_end', message_id: 'a', chat_id: 'i1' },
        ]);
        expect((await untilEnd(socket, 'b')).map((frame) => frame.message ?? frame.type)).toEqual(['second', 'message_end']);
        await model.waitForAbort();
        socket.close();
      });
    });
  });

  describe('CHAT_DISCONNECT_POLICY=cancel', () => {
    withApp(database, { CHAT_DISCONNECT_POLICY: 'cancel' }, ({ app, model }) => {
      it('cancels the run when its last socket goes away', async () => {
        model.enqueue({ kind: 'hang' });
        const socket = await TestSocket.open(`${app().wsUrl}/chat/x1`, bearer);
        socket.send({ type: 'client', message: 'one', message_id: 'a' });
        await new Promise((resolve) => setTimeout(resolve, 150));
        socket.close();
        await model.waitForAbort();
        await expect.poll(async () => (await historyOf(app(), 'x1')).map((entry) => entry.content), { timeout: 5000 }).toEqual(['one']);
      });
    });
  });
});
