import jwt from 'jsonwebtoken';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** An HS256 token for the test secret; `claims` may override or remove (undefined) standard ones. */
export function signToken(sub: string, options: { roles?: string[]; ttlS?: number; claims?: Record<string, unknown> } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { sub, roles: options.roles ?? [], iat: now, exp: now + (options.ttlS ?? 3600), ...options.claims };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return jwt.sign(payload, TEST_SECRET, { algorithm: 'HS256', noTimestamp: true });
}

/** A structurally valid JWT with `alg: none` and no signature. */
export function unsignedToken(sub: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}
