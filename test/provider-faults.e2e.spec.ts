import { describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import type { Reply } from './support/openai-compatible-server';
import { platformTurn } from './support/platform-client';
import { useScriptedModel } from './support/scripted-model';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const TOKEN = signToken('alice');
const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
const RUN_TIMEOUT_MS = 1000;

interface Fault {
  name: string;
  reply: Reply;
  code: string;
  /** What the chat protocol's agent_error says: its frames carry the message, not the code. */
  message: RegExp;
  status: number;
  /** Where an interactive session words it differently (its clock stops while it waits for input). */
  interactiveMessage?: RegExp;
}

// MODEL_MAX_RETRIES=0, so one scripted reply is the whole of each model call.
const FAULTS: Fault[] = [
  { name: 'a 503', reply: { kind: 'status', status: 503 }, code: 'model.unavailable', message: /provider answered 503 Service Unavailable/, status: 502 },
  { name: 'a 500', reply: { kind: 'status', status: 500 }, code: 'model.unavailable', message: /provider answered 500/, status: 502 },
  { name: 'a 429', reply: { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, code: 'model.rate_limited', message: /provider answered 429 Too Many Requests/, status: 502 },
  { name: 'garbage mid-stream', reply: { kind: 'malformed' }, code: 'model.malformed_response', message: /provider sent a response that could not be understood/, status: 502 },
  { name: 'a hang past RUN_TIMEOUT_MS', reply: { kind: 'hang', chunks: ['Thinking'] }, code: 'run.timeout', message: new RegExp(`took longer than ${RUN_TIMEOUT_MS} ms`), status: 504,
    interactiveMessage: new RegExp(`worked longer than ${RUN_TIMEOUT_MS} ms without waiting for input`) },
];

/**
 * Each provider fault on each protocol, over the real wire from a scripted OpenAI-compatible server: a coded error
 * the client can act on, never a stack, and the next turn answered (the fault leaves nothing stuck behind).
 */
describe('provider faults on every protocol', () => {
  const { app, model } = useScriptedModel({ env: { RUN_TIMEOUT_MS: String(RUN_TIMEOUT_MS), MODEL_MAX_RETRIES: '0' } });
  const settle = async (fault: Fault) => {
    if (fault.reply.kind === 'hang') await model.waitForAbort();
  };

  describe.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', (_name, fault) => {
    const id = fault.code.replace(/\W/g, '-') + fault.name.length;

    it('chat: agent_error naming the fault, message_end; the chat answers the next message', async () => {
      const socket = await TestSocket.open(`${app().wsUrl}/chat/pf-${id}`, auth);
      model.enqueue(fault.reply);
      socket.send({ type: 'client', message: 'hello', message_id: 'f1' });
      const frames = await untilEnd(socket, 'f1');
      const error = frames.find((frame) => frame.type === 'agent_error');
      expect(error).toMatchObject({ error: expect.stringMatching(fault.message) as string, message_id: 'f1' });
      expect(error!.error).not.toMatch(/\n\s+at /);
      expect(frames.at(-1)).toEqual({ type: 'message_end', message_id: 'f1', chat_id: `pf-${id}` });
      await settle(fault);

      model.enqueue({ kind: 'text', chunks: ['fine'] });
      socket.send({ type: 'client', message: 'again', message_id: 'f2' });
      expect((await untilEnd(socket, 'f2')).map((frame) => frame.message ?? frame.type)).toEqual(['fine', 'message_end']);
      socket.close();
    });

    it('interact: an error event with the code, turn_end failed, closed with 1000; the next turn is answered', async () => {
      model.enqueue(fault.reply);
      const object = (prompt: string) => ({ agentId: 'assistant', convoId: `pf-i-${id}`, bucket: '(default)', prompt });
      const turn = await platformTurn(`${app().wsUrl}/interact`, TOKEN, object('hello'));
      expect(turn.code).toBe(1000);
      const error = turn.frames.find((frame) => frame.type === 'error') as { error: { code: string; message: string } } | undefined;
      expect(error?.error.code).toBe(fault.code);
      expect(error?.error.message).toMatch(fault.message);
      expect(turn.frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'failed' });
      await settle(fault);

      model.enqueue({ kind: 'text', chunks: ['fine'] });
      const next = await platformTurn(`${app().wsUrl}/interact`, TOKEN, object('again'));
      expect(next.frames.at(-1)).toMatchObject({ type: 'turn_end', status: 'complete' });
    });

    it('interactive: an error frame with the code, then 1011', async () => {
      model.enqueue(fault.reply);
      const socket = await TestSocket.open(`${app().wsUrl}/base/testing/interactive?message=4x4&session_id=pf-s-${id}`, auth);
      expect(await socket.next(RUN_TIMEOUT_MS + 4000)).toMatchObject({ event: 'error', data: { code: fault.code, message: expect.stringMatching(fault.interactiveMessage ?? fault.message) as string } });
      expect(await socket.closed).toEqual({ code: 1011, reason: 'failed' });
      await settle(fault);
    });

    it(`POST /agent/run: ${fault.status} with the code`, async () => {
      model.enqueue(fault.reply);
      const res = await fetch(`${app().httpUrl}/agent/run`, {
        method: 'POST',
        headers: { ...auth.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'hello' }),
      });
      expect(res.status).toBe(fault.status);
      expect(await res.json()).toMatchObject({ statusCode: fault.status, code: fault.code, message: expect.stringMatching(fault.message) as string });
      await settle(fault);
    });
  });
});
