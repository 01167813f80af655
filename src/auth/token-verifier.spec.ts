import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksServer } from '../../test/support/jwks-server';
import { signToken, TEST_SECRET, unsignedToken } from '../../test/support/tokens';
import { loadConfig } from '../config/app-config';
import { AuthErrorCode } from './auth.error';
import { TokenVerifier } from './token-verifier';

async function rejection(verifier: TokenVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => null,
    (caught: { code?: string }) => caught,
  );
  if (!error) throw new Error('expected the token to be rejected');
  return error.code ?? 'no code';
}

/** Signs an arbitrary header and payload with HMAC-SHA256 and `key`, as an attacker could. */
function forgeHs256(key: string, payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('TokenVerifier with a shared secret (HS256)', () => {
  const config = loadConfig({ JWT_SECRET: TEST_SECRET, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'agw' });
  const verifier = TokenVerifier.forConfig(config.auth, TEST_SECRET);
  const valid = (claims: Record<string, unknown> = {}) =>
    signToken('alice', { roles: ['admin'], claims: { iss: 'https://issuer.test', aud: 'agw', ...claims } });

  it('accepts a valid token and reads the subject and roles', async () => {
    await expect(verifier.verify(valid()).then(({ user }) => user)).resolves.toEqual({ sub: 'alice', roles: ['admin'] });
  });

  it('takes a token it verified lately on trust (no key lookup, no signature check), never past its expiry', async () => {
    let lookups = 0;
    const counting = TokenVerifier.forConfig(config.auth, TEST_SECRET);
    const keyFor = counting.keyFor.bind(counting);
    counting.keyFor = (token) => ((lookups += 1), keyFor(token));
    const token = valid();
    const first = await counting.verify(token);
    expect(await counting.verify(token)).toBe(first);
    expect(lookups).toBe(1);
    // An expired token is judged again, and refused, however recently it passed.
    const shortLived = valid({ exp: Math.floor(Date.now() / 1000) - 31 });
    expect(await rejection(counting, shortLived)).toBe(AuthErrorCode.TokenExpired);
  });

  it('accepts it until its exp plus the clock tolerance, which is when a socket it opened closes', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    await expect(verifier.verify(valid({ exp }))).resolves.toMatchObject({ acceptedUntil: (exp + 30) * 1000 });
  });

  it.each([
    ['alg none', () => unsignedToken('alice'), AuthErrorCode.DisallowedAlgorithm],
    ['a wrong signature', () => jwt.sign({ sub: 'alice', exp: inOneHour() }, 'another-secret-another-secret-000000'), AuthErrorCode.InvalidToken],
    ['a missing exp', () => valid({ exp: undefined }), AuthErrorCode.MissingExpiry],
    ['an expired token', () => valid({ exp: Math.floor(Date.now() / 1000) - 120 }), AuthErrorCode.TokenExpired],
    ['a wrong issuer', () => valid({ iss: 'https://evil.test' }), AuthErrorCode.WrongIssuer],
    ['a wrong audience', () => valid({ aud: 'someone-else' }), AuthErrorCode.WrongAudience],
    ['a missing sub', () => valid({ sub: undefined }), AuthErrorCode.MissingSubject],
    ['garbage', () => 'not-a-jwt', AuthErrorCode.InvalidToken],
  ])('rejects %s', async (_name, token, code) => {
    expect(await rejection(verifier, token())).toBe(code);
  });

  it('allows the configured clock tolerance (30 s by default) past exp', async () => {
    await expect(verifier.verify(valid({ exp: Math.floor(Date.now() / 1000) - 10 }))).resolves.toMatchObject({ user: { sub: 'alice' } });
  });

  it('reads roles from a nested or namespaced claim', async () => {
    const keycloak = TokenVerifier.forConfig(loadConfig({ JWT_SECRET: TEST_SECRET, JWT_ROLES_CLAIM: 'realm_access.roles' }).auth, TEST_SECRET);
    const token = signToken('bob', { claims: { roles: undefined, realm_access: { roles: ['operator', 7] } } });
    await expect(keycloak.verify(token)).resolves.toMatchObject({ user: { sub: 'bob', roles: ['operator'] } });
    const auth0 = TokenVerifier.forConfig(loadConfig({ JWT_SECRET: TEST_SECRET, JWT_ROLES_CLAIM: 'https://ex.com/roles' }).auth, TEST_SECRET);
    await expect(auth0.verify(signToken('carol', { claims: { 'https://ex.com/roles': 'a b' } }))).resolves.toMatchObject({
      user: { sub: 'carol', roles: ['a', 'b'] },
    });
  });
});

describe('TokenVerifier with an identity provider (JWKS)', () => {
  const idp = new JwksServer();
  let verifier: TokenVerifier;

  beforeAll(async () => {
    await idp.start();
    verifier = TokenVerifier.forConfig(loadConfig({ JWKS_URI: idp.url, JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'agw' }).auth, null);
  });
  afterAll(() => idp.stop());

  const claims = { sub: 'alice', iss: 'https://idp.test', aud: 'agw', roles: ['operator'] };

  it.each(['RS256', 'ES256'] as const)('accepts %s tokens signed by a listed key', async (alg) => {
    await expect(verifier.verify(await idp.sign(alg, claims, { expiresIn: '1h' }))).resolves.toMatchObject({ user: { sub: 'alice', roles: ['operator'] } });
  });

  it('rejects an HS256 token keyed with the public RSA key (algorithm confusion)', async () => {
    const forged = forgeHs256(idp.rsaPublicPem(), { ...claims, exp: inOneHour() });
    expect(await rejection(verifier, forged)).toBe(AuthErrorCode.DisallowedAlgorithm);
  });

  it('rejects alg none, a missing exp, an expired token, a wrong issuer or audience, an unknown key', async () => {
    expect(await rejection(verifier, unsignedToken('alice'))).toBe(AuthErrorCode.DisallowedAlgorithm);
    expect(await rejection(verifier, await idp.sign('RS256', claims))).toBe(AuthErrorCode.MissingExpiry);
    expect(await rejection(verifier, await idp.sign('ES256', claims, { expiresIn: '-2m' }))).toBe(AuthErrorCode.TokenExpired);
    expect(await rejection(verifier, await idp.sign('RS256', { ...claims, iss: 'https://evil.test' }, { expiresIn: '1h' }))).toBe(
      AuthErrorCode.WrongIssuer,
    );
    expect(await rejection(verifier, await idp.sign('RS256', { ...claims, aud: 'other' }, { expiresIn: '1h' }))).toBe(AuthErrorCode.WrongAudience);
    expect(await rejection(verifier, await idp.sign('RS256', claims, { expiresIn: '1h', kid: 'rotated-away' }))).toBe(
      AuthErrorCode.UnknownSigningKey,
    );
  });

  it('reports an unreachable identity provider as keys_unavailable, not as a bad token', async () => {
    const fresh = TokenVerifier.forConfig(loadConfig({ JWKS_URI: idp.url }).auth, null);
    idp.failing = true;
    try {
      expect(await rejection(fresh, await idp.sign('RS256', { sub: 'alice' }, { expiresIn: '1h' }))).toBe(AuthErrorCode.KeysUnavailable);
    } finally {
      idp.failing = false;
    }
  });

  it('rejects an HS256 token in JWKS mode even when it carries a valid shape', async () => {
    expect(await rejection(verifier, signToken('alice'))).toBe(AuthErrorCode.DisallowedAlgorithm);
  });
});
