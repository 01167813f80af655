import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError, type ConnectionState } from '../client/src';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';

const TTL_S = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the typed client keeps a socket alive past its token with {"type":"auth"} renewals', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { JWT_CLOCK_TOLERANCE_S: '0' } });
  });
  afterAll(() => t.close());

  it('renews a short-lived token on the open socket: no 1008, no reconnect, the chat keeps working', async () => {
    let issued = 0;
    // Each call signs a distinct token (the claim differs), as an identity provider's refresh would.
    const token = () => signToken('alice', { ttlS: TTL_S, claims: { n: ++issued } });
    const chat = new GatewayClient({ baseUrl: t.httpUrl, token, WebSocket }).chat('renewal-chat');
    const states: ConnectionState[] = [];
    chat.on('state', (state) => states.push(state));
    await sleep(TTL_S * 1000 + 1500);
    const answer = await chat.ask('What is 6 times 7?').answer();
    expect(answer).toContain('42');
    expect(states).toEqual(['open']);
    expect(issued).toBeGreaterThanOrEqual(2);
    chat.close();
  });

  it('a token that cannot be renewed ends the connection at expiry with the server code, not a reconnect loop', async () => {
    const fixed = signToken('alice', { ttlS: 2 });
    const chat = new GatewayClient({ baseUrl: t.httpUrl, token: fixed, WebSocket }).chat('expiring-chat');
    const closed = await chat.closed;
    // The 1008 close is retried once with the source's token, which the upgrade refuses as expired: final.
    expect(closed.error).toBeInstanceOf(GatewayError);
    expect(closed.error?.code).toBe('auth.token_expired');
    expect(chat.state).toBe('closed');
  });
});
