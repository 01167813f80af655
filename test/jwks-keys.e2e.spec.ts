import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksServer } from './support/jwks-server';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';
import { TestSocket } from './support/ws-client';

const INTERVAL_MS = 1000;
const MAX_AGE_MS = 1500;
const claims = { sub: 'alice', iss: 'https://idp.test', aud: 'agw' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startWith(idp: JwksServer): Promise<TestApp> {
  return startTestApp({
    imports: [ProbeModule],
    env: {
      JWT_SECRET: '',
      JWKS_URI: idp.url,
      JWT_ISSUER: claims.iss,
      JWT_AUDIENCE: claims.aud,
      JWKS_REFRESH_INTERVAL_MS: String(INTERVAL_MS),
      JWKS_MAX_AGE_MS: String(MAX_AGE_MS),
    },
  });
}

async function me(t: TestApp, token: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

async function upgrade(t: TestApp, token: string): Promise<number> {
  try {
    const socket = await TestSocket.open(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${token}` } });
    socket.close();
    return 101;
  } catch {
    return (await TestSocket.refusal(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${token}` } })).status;
  }
}

describe('JWKS key set: unknown kids cannot lock out legitimate ones', () => {
  const idp = new JwksServer();
  let t: TestApp;

  beforeAll(async () => {
    await idp.start();
    t = await startWith(idp);
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('answers a flood of random kids with 401, fetching at most once per interval, and finds a newly published kid within one interval', async () => {
    expect(await me(t, await idp.sign('RS256', claims, { expiresIn: '5m' }))).toEqual({ status: 200, code: undefined });
    const before = idp.requests;
    const floodStarted = Date.now();
    const forged = await Promise.all(Array.from({ length: 60 }, () => idp.sign('RS256', claims, { expiresIn: '5m', kid: randomUUID() })));
    for (const token of forged) expect(await me(t, token)).toEqual({ status: 401, code: 'auth.unknown_signing_key' });
    const floodMs = Date.now() - floodStarted;
    expect(idp.requests - before).toBeLessThanOrEqual(Math.ceil(floodMs / INTERVAL_MS) + 1);

    await idp.publish('rsa-2', 'RS256');
    const fresh = await idp.signWith('rsa-2', claims, { expiresIn: '5m' });
    const published = Date.now();
    // The flood goes on while the legitimate client retries: it must not push the new kid back.
    let accepted = false;
    while (!accepted && Date.now() - published < INTERVAL_MS + 1000) {
      await me(t, await idp.sign('RS256', claims, { expiresIn: '5m', kid: randomUUID() }));
      const answer = await me(t, fresh);
      expect([200, 401]).toContain(answer.status);
      accepted = answer.status === 200;
      if (!accepted) await sleep(50);
    }
    expect(accepted, 'the new kid was accepted within one interval').toBe(true);
    expect(await upgrade(t, fresh)).toBe(101);
  });

  it('keeps known kids working on REST and WebSocket while the identity provider is down, past the set max age', async () => {
    const known = await idp.sign('ES256', claims, { expiresIn: '5m' });
    expect((await me(t, known)).status).toBe(200);
    idp.failing = true;
    try {
      await sleep(MAX_AGE_MS + INTERVAL_MS);
      const failedBefore = idp.requests;
      // Another token under the same kid: one already seen would be taken on trust for a while, without a key lookup.
      const sameKid = await idp.sign('ES256', { ...claims, jti: 'another' }, { expiresIn: '5m' });
      expect((await me(t, sameKid)).status).toBe(200);
      expect(await upgrade(t, sameKid)).toBe(101);
      // The stale set triggered a refetch, which failed: the same set keeps answering.
      await expect.poll(() => idp.requests).toBeGreaterThan(failedBefore);
      expect((await me(t, await idp.sign('ES256', { ...claims, jti: 'a third' }, { expiresIn: '5m' }))).status).toBe(200);
      const unknown = await idp.sign('RS256', claims, { expiresIn: '5m', kid: 'never-published' });
      expect(await me(t, unknown)).toEqual({ status: 401, code: 'auth.unknown_signing_key' });
    } finally {
      idp.failing = false;
    }
  });
});

describe('JWKS key set: no good set yet', () => {
  const idp = new JwksServer();
  let t: TestApp;

  beforeAll(async () => {
    await idp.start();
    idp.failing = true;
    t = await startWith(idp);
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('answers 503 auth.keys_unavailable until a fetch succeeds, then accepts the token', async () => {
    const token = await idp.sign('RS256', claims, { expiresIn: '5m' });
    expect(await me(t, token)).toEqual({ status: 503, code: 'auth.keys_unavailable' });
    expect(await TestSocket.refusal(`${t.wsUrl}/probe/a`, { headers: { Authorization: `Bearer ${token}` } })).toMatchObject({
      status: 503,
      body: { code: 'auth.keys_unavailable' },
    });
    idp.failing = false;
    await expect.poll(async () => (await me(t, token)).status, { timeout: INTERVAL_MS + 2000, interval: 100 }).toBe(200);
  });
});
