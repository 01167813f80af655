import { describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import type { Reply } from './support/openai-compatible-server';
import { platformTurn } from './support/platform-client';
import { useScriptedModel } from './support/scripted-model';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const TIMEOUT_MS = 1000;
const MAX_CHARS = 1000;
const auth = () => ({ headers: { Authorization: `Bearer ${signToken('alice')}` } });
const FAILED = { code: 1011, reason: 'failed' };
/** 3000 characters in 30 chunks: three times the limit. */
const TOO_LONG: Reply = { kind: 'text', chunks: Array.from({ length: 30 }, (_, n) => String(n % 10).repeat(100)) };
const deltasOf = (frames: Frame[]) => frames.filter((frame) => frame.type === 'agent_step_delta').map((frame) => frame.delta as string).join('');

describe('run limits: RUN_TIMEOUT_MS in interactive sessions, RUN_MAX_OUTPUT_CHARS and RUN_MAX_STEPS everywhere', () => {
  const env = { RUN_TIMEOUT_MS: String(TIMEOUT_MS), RUN_MAX_OUTPUT_CHARS: String(MAX_CHARS), RUN_MAX_STEPS: '2' };
  const { app, model } = useScriptedModel({ env });
  const interactive = (sessionId: string) => TestSocket.open(`${app().wsUrl}/base/testing/interactive?message=4x4&session_id=${sessionId}`, auth());

  it('an interactive session whose model hangs ends with run.timeout and 1011, within RUN_TIMEOUT_MS', async () => {
    model.enqueue({ kind: 'hang' });
    const started = Date.now();
    const socket = await interactive('rl-hang');
    expect(await socket.next()).toEqual({ event: 'error', data: { code: 'run.timeout', message: expect.stringContaining(`${TIMEOUT_MS} ms`) as string } });
    expect(await socket.closed).toEqual(FAILED);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    await model.waitForAbort();
  });

  it('time spent waiting for the human is not charged to the run: an answer after RUN_TIMEOUT_MS still finishes', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'MathProblem', arguments: { answer: 16 } }] });
    const socket = await interactive('rl-wait');
    expect(await socket.next()).toEqual({ message: 'before I answer that give me your answer?' });
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 500));
    socket.send({ type: 'chat', message: '16', metadata: null });
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toMatchObject({ event: 'context' });
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('an interactive answer in words past RUN_MAX_OUTPUT_CHARS: run.output_too_large and 1011, nothing of it stored', async () => {
    model.enqueue(TOO_LONG);
    const socket = await interactive('rl-long');
    expect(await socket.next()).toMatchObject({ event: 'error', data: { code: 'run.output_too_large' } });
    expect(await socket.closed).toEqual(FAILED);
    // The failed model step is in the history (so a replay's onError takes the same path), none of its text.
    const history = (await (await fetch(`${app().httpUrl}/history/rl-long`, auth())).json()) as Array<{ role: string; content: string }>;
    expect(history.map((entry) => [entry.role, entry.content])).toEqual([['user', expect.any(String)], ['agent', expect.stringMatching(/^Failed: .*RUN_MAX_OUTPUT_CHARS/)]]);
  });

  it('/chat streams up to the limit, then agent_error and message_end; the log holds exactly the limit', async () => {
    model.enqueue(TOO_LONG);
    const socket = await TestSocket.open(`${app().wsUrl}/chat/rl-chat?stream=1`, auth());
    socket.send({ type: 'client', message: 'go on', message_id: 'm1' });
    const frames = await untilEnd(socket, 'm1');
    expect(frames.find((frame) => frame.type === 'agent_error')).toMatchObject({ error: expect.stringContaining('RUN_MAX_OUTPUT_CHARS') as string });
    expect(frames.some((frame) => frame.type === 'agent_step')).toBe(false);
    expect(deltasOf(frames)).toBe(TOO_LONG.chunks.join('').slice(0, MAX_CHARS));
    socket.close();
    const replay = await TestSocket.open(`${app().wsUrl}/chat/rl-chat?stream=1&after=0`, auth());
    expect(deltasOf(await untilEnd(replay, 'm1'))).toHaveLength(MAX_CHARS);
    replay.close();
  });

  it('/interact ends the turn with an error event run.output_too_large', async () => {
    model.enqueue(TOO_LONG);
    const object = { agentId: 'assistant', convoId: 'rl-interact', bucket: 'voiceglow-eu', prompt: 'go on', agentData: { ownerID: 'alice', userID: 'alice' } };
    const turn = await platformTurn(`${app().wsUrl}/interact`, signToken('alice'), object);
    const text = turn.frames.filter((frame) => frame.type === 'chunk').map((frame) => frame.chunk as string).join('');
    expect(text).toHaveLength(MAX_CHARS);
    expect(turn.frames.find((frame) => frame.type === 'error')).toMatchObject({ error: { code: 'run.output_too_large' } });
  });

  it('POST /agent/run answers 502 run.output_too_large, for too much text and for too many steps', async () => {
    const post = (task: string) =>
      fetch(`${app().httpUrl}/agent/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signToken('alice')}` },
        body: JSON.stringify({ task }),
      });
    model.enqueue(TOO_LONG);
    const long = await post('go on');
    expect(long.status).toBe(502);
    expect(await long.json()).toMatchObject({ code: 'run.output_too_large', message: expect.stringContaining('RUN_MAX_OUTPUT_CHARS') as string });
    const call: Reply = { kind: 'tool_calls', calls: [{ name: 'current_time', arguments: {} }] };
    model.enqueue(call, call);
    const looping = await post('what time is it, again and again');
    expect(looping.status).toBe(502);
    expect(await looping.json()).toMatchObject({ code: 'run.output_too_large', message: expect.stringContaining('RUN_MAX_STEPS') as string });
  });
});
