import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { freePort } from './support/free-port';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const bearer = { headers: { Authorization: `Bearer ${signToken('alice')}`, 'content-type': 'application/json' } };

describe('legacy listeners (CHAT_WS_PORT, HISTORY_PORT, REST_PORT)', () => {
  let t: TestApp;
  let ports: { chat: number; history: number; rest: number };

  beforeAll(async () => {
    ports = { chat: await freePort(), history: await freePort(), rest: await freePort() };
    t = await startTestApp({
      env: { CHAT_WS_PORT: String(ports.chat), HISTORY_PORT: String(ports.history), REST_PORT: String(ports.rest) },
    });
  });
  afterAll(() => t.close());

  it('serves the seed deployment layout: chat on one port, history on another, the REST run on a third', async () => {
    expect(t.legacyPorts.sort()).toEqual([ports.chat, ports.history, ports.rest].sort());
    const socket = await TestSocket.open(`ws://127.0.0.1:${ports.chat}/chat/legacy1`, bearer);
    socket.send({ type: 'client', message: 'get all contacts', message_id: 'abc123' });
    expect((await untilEnd(socket, 'abc123')).map((frame) => frame.type)).toEqual(['agent_step', 'agent_step', 'message_end']);
    socket.close();

    const history = await fetch(`http://127.0.0.1:${ports.history}/history/legacy1`, bearer);
    expect(((await history.json()) as unknown[]).length).toBe(3);

    const run = await fetch(`http://127.0.0.1:${ports.rest}/agent/run`, { method: 'POST', ...bearer, body: JSON.stringify({ task: 'what is 2 + 2' }) });
    expect(run.status).toBe(200);
  });

  it('authenticates upgrades on the legacy ports like on the main one', async () => {
    expect((await TestSocket.refusal(`ws://127.0.0.1:${ports.chat}/chat/legacy1`)).status).toBe(401);
  });

});

describe('legacy listeners at shutdown', () => {
  it('stop listening when the app closes', async () => {
    const port = await freePort();
    const t = await startTestApp({ env: { REST_PORT: String(port) } });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await t.close();
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});

describe('without legacy ports', () => {
  it('opens none: one port serves everything', async () => {
    const t = await startTestApp();
    expect(t.legacyPorts).toEqual([]);
    await t.close();
  });
});
