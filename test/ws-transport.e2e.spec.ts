import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

describe('WebSocket transport', () => {
  let t: TestApp;
  const auth = { headers: { Authorization: `Bearer ${signToken('alice', { roles: ['admin'] })}` } };

  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { WS_MAX_PAYLOAD_BYTES: '2048', WS_HEARTBEAT_INTERVAL_MS: '1000' } });
  });
  afterAll(() => t.close());

  it('hands the gateway the path parameters, the query string and the verified user', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/room%2042?message=4x4&session_id=s1`, auth);
    expect(await client.next()).toEqual({
      type: 'welcome',
      user: { sub: 'alice', roles: ['admin'] },
      params: { room: 'room 42' },
      query: { message: '4x4', session_id: 's1' },
      path: '/probe/room%2042',
      protocol: '',
    });
    client.close();
  });

  it('routes frames on their type field and hands over the whole object', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, auth);
    await client.next();
    client.send({ type: 'echo', text: 'hi', n: 1 });
    expect(await client.next()).toEqual({ type: 'echoed', body: { type: 'echo', text: 'hi', n: 1 } });
    client.send({ agentId: 'assistant', prompt: 'no type here' });
    expect(await client.next()).toEqual({ type: 'untyped', body: { agentId: 'assistant', prompt: 'no type here' } });
    client.close();
  });

  it('gives the gateway a chance to answer bad frames, and keeps the socket open', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, auth);
    await client.next();
    client.send('not json {');
    expect(await client.next()).toEqual({ type: 'invalid', error: 'The frame is not valid JSON' });
    client.send('[1,2]');
    expect(await client.next()).toEqual({ type: 'invalid', error: 'The frame must be a JSON object' });
    client.send({ type: 42 });
    expect(await client.next()).toEqual({ type: 'invalid', error: 'The frame\'s "type" must be a string' });
    client.send({ type: 'launch_missiles' });
    expect(await client.next()).toEqual({ type: 'invalid', error: 'Unknown message type "launch_missiles"' });
    client.send({ type: 'echo' });
    expect(await client.next()).toMatchObject({ type: 'echoed' });
    client.close();
  });

  it('closes with 1009 when a frame exceeds WS_MAX_PAYLOAD_BYTES', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, auth);
    await client.next();
    client.send({ type: 'echo', blob: 'x'.repeat(4096) });
    expect((await client.closed).code).toBe(1009);
  });

  it('negotiates no permessage-deflate even when the client offers it', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { ...auth, perMessageDeflate: true });
    expect(client.socket.extensions).toBe('');
    client.close();
  });

  it('terminates a peer that stops answering pings', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { ...auth, autoPong: false });
    await client.next();
    const started = Date.now();
    const { code } = await client.closed;
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps a peer that answers pings', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, auth);
    await client.next();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('answers an upgrade to a path no gateway serves with 404 before any 101', async () => {
    const refusal = await TestSocket.refusal(`${t.wsUrl}/nowhere`, auth);
    expect(refusal.status).toBe(404);
    expect(refusal.body).toMatchObject({ statusCode: 404, code: 'not_found' });
  });
});

describe('WebSocket shutdown', () => {
  it('closes open sockets with 1012 "service restart" when the app stops', async () => {
    const t = await startTestApp({ imports: [ProbeModule] });
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${signToken('alice')}` } });
    await client.next();
    const closing = t.close();
    expect(await client.closed).toEqual({ code: 1012, reason: 'service restart' });
    await closing;
  });
});
