import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from './support/log-capture';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const bearer = { headers: { Authorization: `Bearer ${signToken('alice')}` } };

describe('log lines carry the request id of the request or socket they belong to', () => {
  const logs = new LogCapture();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], logs: logs.stream });
  });
  afterAll(() => t.close());

  it('logs an unexpected REST error with its stack under the request id the response carried', async () => {
    const res = await fetch(`${t.httpUrl}/probe/failure`);
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id')!;
    expect(await res.json()).toMatchObject({ code: 'internal', requestId });

    const error = await logs.find((line) => (line.err as { message?: string } | undefined)?.message === 'probe failure' && line.context === 'HttpError');
    expect(error).toMatchObject({ level: 50, requestId, err: { stack: expect.stringContaining('ProbeController.fail') as string } });
    expect(await logs.find((line) => line.msg === 'request errored' && line.requestId === requestId)).toMatchObject({ res: { statusCode: 500 } });
  });

  it('keeps the request id of a request with a body across the body parser', async () => {
    await fetch(`${t.httpUrl}/probe`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'posted-1' }, body: '{}' });
    expect(await logs.find((line) => line.msg === 'request completed' && line.requestId === 'posted-1')).toMatchObject({ res: { statusCode: 400 } });
  });

  it('logs a socket once when it opens and once when it closes, and its handler errors under its request id', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/probe/room`, { headers: { ...bearer.headers, 'X-Request-Id': 'socket-1' } });
    await socket.next();
    socket.send({ type: 'fail' });
    expect(await socket.next()).toMatchObject({ event: 'exception' });
    const failure = await logs.find((line) => (line.err as { message?: string } | undefined)?.message === 'probe handler failure');
    expect(failure).toMatchObject({ requestId: 'socket-1', context: 'WsExceptionsHandler', err: { stack: expect.any(String) as string } });

    socket.socket.close(4000, 'bye');
    await socket.closed;
    const opened = logs.lines.filter((line) => line.msg === 'WebSocket opened' && line.requestId === 'socket-1');
    expect(opened).toEqual([expect.objectContaining({ sub: 'alice', protocol: 'probe' })]);
    const closed = await logs.find((line) => line.msg === 'WebSocket closed' && line.requestId === 'socket-1');
    expect(closed).toMatchObject({ sub: 'alice', protocol: 'probe', code: 4000, durationMs: expect.any(Number) as number });
    expect(logs.lines.filter((line) => line.msg === 'WebSocket closed' && line.requestId === 'socket-1')).toHaveLength(1);
  });

  it.each([
    ['chat', '/chat/logged'],
    ['interact', '/interact'],
    ['interactive', '/base/testing/interactive?message=4x4'],
  ])('names the %s protocol in the socket lines', async (protocol, path) => {
    const requestId = `proto-${protocol}`;
    const socket = await TestSocket.open(`${t.wsUrl}${path}`, { headers: { ...bearer.headers, 'X-Request-Id': requestId } });
    socket.close();
    await socket.closed;
    expect(await logs.find((line) => line.msg === 'WebSocket opened' && line.requestId === requestId)).toMatchObject({ protocol, sub: 'alice' });
    expect(await logs.find((line) => line.msg === 'WebSocket closed' && line.requestId === requestId)).toMatchObject({ protocol, code: expect.any(Number) as number });
  });
});
