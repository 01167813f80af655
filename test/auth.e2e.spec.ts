import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksServer } from './support/jwks-server';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken, unsignedToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const now = () => Math.floor(Date.now() / 1000);
const trusted = { iss: 'https://issuer.test', aud: 'agw' };

/** Every way a token is turned away; each is checked on REST and at the WebSocket upgrade. */
const rejections: Array<[string, () => string | null, string]> = [
  ['no token', () => null, 'auth.missing_token'],
  ['alg none', () => unsignedToken('alice'), 'auth.disallowed_algorithm'],
  ['a missing exp', () => signToken('alice', { claims: { ...trusted, exp: undefined } }), 'auth.missing_exp'],
  ['an expired token', () => signToken('alice', { claims: { ...trusted, exp: now() - 120 } }), 'auth.token_expired'],
  ['a wrong issuer', () => signToken('alice', { claims: { ...trusted, iss: 'https://evil.test' } }), 'auth.wrong_issuer'],
  ['a wrong audience', () => signToken('alice', { claims: { ...trusted, aud: 'other' } }), 'auth.wrong_audience'],
  ['a malformed token', () => 'abc.def', 'auth.invalid_token'],
];

describe('authentication with a shared secret', () => {
  let t: TestApp;
  const good = () => signToken('alice', { roles: ['operator'], claims: trusted });

  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'agw' } });
  });
  afterAll(() => t.close());

  it('accepts a valid token on REST', async () => {
    const res = await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: `Bearer ${good()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'alice', roles: ['operator'] });
  });

  it.each(rejections)('REST: %s → 401 with a JSON body', async (_name, token, code) => {
    const value = token();
    const res = await fetch(`${t.httpUrl}/auth/me`, { headers: value ? { Authorization: `Bearer ${value}` } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ statusCode: 401, code, message: expect.any(String) as string });
  });

  it.each(rejections)('WebSocket upgrade: %s → HTTP 401, no upgrade', async (_name, token, code) => {
    const value = token();
    const refusal = await TestSocket.refusal(`${t.wsUrl}/probe/a`, { headers: value ? { Authorization: `Bearer ${value}` } : {} });
    expect(refusal.status).toBe(401);
    expect(refusal.body).toMatchObject({ statusCode: 401, code });
  });

  it('takes a browser token from ?access_token=', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a?access_token=${good()}&x=1`);
    expect(await client.next()).toMatchObject({ user: { sub: 'alice' }, query: { access_token: expect.any(String) as string, x: '1' } });
    client.close();
  });

  it('takes a browser token from Sec-WebSocket-Protocol and answers the fixed name "bearer", never the token', async () => {
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { protocols: ['bearer', good()] });
    expect(client.socket.protocol).toBe('bearer');
    expect(await client.next()).toMatchObject({ user: { sub: 'alice' }, protocol: 'bearer' });
    client.close();
  });

  it('rejects a bad token offered as a subprotocol', async () => {
    const refusal = await TestSocket.refusal(`${t.wsUrl}/probe/a`, { protocols: ['bearer', unsignedToken('alice')] });
    expect(refusal.status).toBe(401);
  });
});

describe('ALLOWED_ORIGINS', () => {
  let t: TestApp;
  const headers = (origin?: string) => ({
    Authorization: `Bearer ${signToken('alice')}`,
    ...(origin ? { Origin: origin } : {}),
  });

  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { ALLOWED_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t.close());

  it('refuses any other Origin with 403 before the upgrade', async () => {
    const refusal = await TestSocket.refusal(`${t.wsUrl}/probe/a`, { headers: headers('https://evil.example.com') });
    expect(refusal.status).toBe(403);
    expect(refusal.body).toMatchObject({ code: 'auth.forbidden_origin' });
  });

  it('accepts a listed Origin, and clients that send none (servers, CLIs)', async () => {
    for (const origin of ['https://app.example.com', undefined]) {
      const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { headers: headers(origin) });
      expect(await client.next()).toMatchObject({ type: 'welcome' });
      client.close();
    }
  });
});

describe('authentication with an identity provider (JWKS)', () => {
  const idp = new JwksServer();
  let t: TestApp;

  beforeAll(async () => {
    await idp.start();
    t = await startTestApp({
      imports: [ProbeModule],
      env: { JWT_SECRET: '', JWKS_URI: idp.url, JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'agw', JWT_ROLES_CLAIM: 'realm_access.roles' },
    });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  const claims = { sub: 'alice', iss: 'https://idp.test', aud: 'agw', realm_access: { roles: ['operator'] } };

  it.each(['RS256', 'ES256'] as const)('accepts %s tokens on REST and WebSocket', async (alg) => {
    const token = await idp.sign(alg, claims, { expiresIn: '5m' });
    const res = await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ sub: 'alice', roles: ['operator'] });
    const client = await TestSocket.open(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await client.next()).toMatchObject({ user: { sub: 'alice', roles: ['operator'] } });
    client.close();
  });

  it('rejects HS256 tokens (algorithm confusion), missing exp and an unknown key', async () => {
    const cases: Array<[string, string]> = [
      [signToken('alice', { claims }), 'auth.disallowed_algorithm'],
      [await idp.sign('RS256', claims), 'auth.missing_exp'],
      [await idp.sign('RS256', claims, { expiresIn: '5m', kid: 'unknown' }), 'auth.unknown_signing_key'],
    ];
    for (const [token, code] of cases) {
      const res = await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code });
      const refusal = await TestSocket.refusal(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${token}` } });
      expect(refusal).toMatchObject({ status: 401, body: { code } });
    }
  });
});
