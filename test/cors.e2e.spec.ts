import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';

const APP = 'https://app.example.com';

const preflight = (t: TestApp, origin: string) =>
  fetch(`${t.httpUrl}/history/some-chat`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, content-type' },
  });

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS for the REST API with CORS_ORIGINS set', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: `${APP}, http://localhost:3000` } });
  });
  afterAll(() => t.close());

  it('answers a listed origin’s preflight with 204 and what it may send', async () => {
    const res = await preflight(t, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,X-Request-Id');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets a listed origin read the response and the X-Request-Id and X-Next-Before headers', async () => {
    const res = await fetch(`${t.httpUrl}/health`, { headers: { Origin: 'http://localhost:3000' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-expose-headers')).toBe('X-Request-Id,X-Next-Before');
  });

  it('sends no CORS header to any other origin, for a preflight or a request', async () => {
    const refused = await preflight(t, 'https://evil.example');
    expect(refused.status).not.toBe(204);
    expect(corsHeaders(refused)).toEqual([]);
    expect(corsHeaders(await fetch(`${t.httpUrl}/health`, { headers: { Origin: 'https://evil.example' } }))).toEqual([]);
  });
});

describe('CORS without CORS_ORIGINS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends no CORS header at all', async () => {
    expect(corsHeaders(await preflight(t, APP))).toEqual([]);
    expect(corsHeaders(await fetch(`${t.httpUrl}/health`, { headers: { Origin: APP } }))).toEqual([]);
  });
});

describe('CORS with CORS_ORIGINS=*', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: '*' } });
  });
  afterAll(() => t.close());

  it('allows any origin, explicitly', async () => {
    const res = await preflight(t, 'https://anyone.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,X-Request-Id');
  });
});
