import { afterAll, beforeAll, bench, describe } from 'vitest';
import { AgentRunner } from '../src/agent/engine/agent-runner';
import { untilEnd } from '../test/support/chat-client';
import { platformTurn } from '../test/support/platform-client';
import { startTestApp, type TestApp } from '../test/support/test-app';
import { signToken } from '../test/support/tokens';
import { TestSocket } from '../test/support/ws-client';

/**
 * One turn with the built-in model ("what is 12 * 7": a tool step and a streamed answer), three ways side by
 * side: the bare engine (the baseline), the same turn stored and served over WS /chat, over WS /interact on one
 * kept-open socket, and as the interact platform's client does it (a new authenticated socket per turn).
 * The ratios vitest prints between them are the cost of persistence plus each protocol adapter.
 */
let t: TestApp;
let chat: TestSocket;
let widget: TestSocket;
let n = 0;
const token = signToken('bench');

beforeAll(async () => {
  t = await startTestApp();
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  chat = await TestSocket.open(`${t.wsUrl}/chat/bench-chat`, auth);
  widget = await TestSocket.open(`${t.wsUrl}/interact?keep_open=1`, auth);
});

afterAll(async () => {
  chat.close();
  widget.close();
  await t.close();
});

describe('one turn with the built-in model', () => {
  bench('engine only (baseline)', async () => {
    for await (const event of t.app.get(AgentRunner).run({ chatId: 'bench', input: 'what is 12 * 7' })) void event;
  });

  bench('WS /chat: stored and framed', async () => {
    const id = `m${n++}`;
    chat.send({ type: 'client', message: 'what is 12 * 7', message_id: id });
    await untilEnd(chat, id);
  });

  bench('WS /interact (keep_open): stored and chunked', async () => {
    widget.send({ agentId: 'assistant', convoId: 'bench-convo', bucket: '(default)', prompt: 'what is 12 * 7' });
    for (;;) {
      const event = await widget.next<{ type: string }>();
      if (event.type === 'turn_end') break;
    }
  });

  bench('WS /interact as the platform: a connection per turn, closed by the server', async () => {
    await platformTurn(`${t.wsUrl}/interact`, token, { agentId: 'assistant', convoId: `bench-platform-${n++ % 50}`, bucket: '(default)', prompt: 'what is 12 * 7' });
  });
});
