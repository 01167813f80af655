import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

/** One path per protocol; each socket stays open on its own until something closes it. */
const PROTOCOLS = [
  ['chat', '/chat/expiry'],
  ['interact', '/interact?keep_open=1'],
  ['interactive', '/base/testing/interactive?message=4x4&session_id=expiry'],
] as const;

/** The moment a token signed now with this ttl stops being accepted, with JWT_CLOCK_TOLERANCE_S=0. */
function expOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number }).exp * 1000;
}

describe('a socket lives as long as its token', () => {
  let t: TestApp;
  const open = (path: string, token: string) => TestSocket.open(`${t.wsUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await startTestApp({ env: { JWT_CLOCK_TOLERANCE_S: '0' } });
  });
  afterAll(() => t.close());

  it('closes every protocol with 1008 auth.token_expired at exp, and names that deadline in the 101', async () => {
    const token = signToken('alice', { ttlS: 2 });
    const deadline = expOf(token);
    const sockets = await Promise.all(PROTOCOLS.map(([, path]) => open(path, token)));
    for (const socket of sockets) expect(socket.headers['x-auth-deadline']).toBe(new Date(deadline).toISOString());
    const closes = await Promise.all(sockets.map((socket) => socket.closed.then((close) => ({ ...close, at: Date.now() }))));
    for (const close of closes) {
      expect(close).toMatchObject({ code: 1008, reason: 'auth.token_expired' });
      expect(close.at).toBeGreaterThanOrEqual(deadline);
      expect(close.at).toBeLessThan(deadline + 1000);
    }
  });

  it('moves the deadline when the client sends a fresh token for the same user', async () => {
    const first = signToken('alice', { ttlS: 2 });
    const sockets = await Promise.all(PROTOCOLS.map(([, path]) => open(path, first)));
    const fresh = signToken('alice', { ttlS: 3 });
    expect(expOf(fresh)).toBeGreaterThan(expOf(first));
    const renewed = expOf(fresh);
    for (const socket of sockets) socket.send({ type: 'auth', token: fresh });
    for (const socket of sockets) expect(await until(socket, 'auth_ok')).toEqual({ type: 'auth_ok', deadline: new Date(renewed).toISOString() });
    const closes = await Promise.all(sockets.map((socket) => socket.closed.then((close) => ({ ...close, at: Date.now() }))));
    for (const close of closes) {
      expect(close).toMatchObject({ code: 1008, reason: 'auth.token_expired' });
      expect(close.at).toBeGreaterThanOrEqual(renewed);
      expect(close.at).toBeLessThan(renewed + 1000);
    }
  });

  it.each(PROTOCOLS)('refuses a token of another user on %s, then closes with 1008', async (_name, path) => {
    const socket = await open(path, signToken('alice'));
    socket.send({ type: 'auth', token: signToken('bob') });
    expect(await until(socket, 'auth_error')).toEqual({
      type: 'auth_error',
      code: 'auth.subject_mismatch',
      message: 'The token names another user than the one this socket was opened for',
    });
    expect(await socket.closed).toEqual({ code: 1008, reason: 'auth.subject_mismatch' });
  });

  it.each(PROTOCOLS)('refuses a bad renewal on %s and keeps the socket and its deadline', async (_name, path) => {
    const token = signToken('alice', { ttlS: 2 });
    const socket = await open(path, token);
    socket.sendMalformed({ type: 'auth' });
    expect(await until(socket, 'auth_error')).toMatchObject({ code: 'auth.missing_token' });
    socket.send({ type: 'auth', token: 'not-a-jwt' });
    expect(await until(socket, 'auth_error')).toMatchObject({ code: 'auth.invalid_token' });
    socket.send({ type: 'auth', token: signToken('alice', { ttlS: -5 }) });
    expect(await until(socket, 'auth_error')).toMatchObject({ code: 'auth.token_expired' });
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'auth.token_expired' });
    const late = Date.now() - expOf(token);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);
  });
});

/** The next frame of this type; the protocol's own frames (a question, a history) on the way are skipped. */
async function until(socket: TestSocket, type: string): Promise<Record<string, unknown>> {
  for (;;) {
    const frame = await socket.next();
    if (frame.type === type) return frame;
  }
}
