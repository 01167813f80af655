import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('HTTP on %s', (_name, kind) => {
  let t: TestApp;

  beforeAll(async () => {
    if (kind.available) t = await startTestApp({ database: kind, imports: [ProbeModule] });
  });
  afterAll(async () => {
    if (kind.available) await t.close();
  });

  it.skipIf(!kind.available)('GET /health checks the database and needs no token', async () => {
    const res = await fetch(`${t.httpUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it.skipIf(!kind.available)('GET /health answers 503 when the database is gone', async () => {
    const db = t.app.get(DataSource);
    await db.destroy();
    try {
      const res = await fetch(`${t.httpUrl}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', database: 'down' });
    } finally {
      await db.initialize();
    }
  });
});

describe('HTTP surface', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  // The document itself is pinned by docs/openapi.json (test/openapi.spec.ts) and every answer below is checked against it.
  it('serves the OpenAPI UI at /docs and the document at /docs-json', async () => {
    const ui = await fetch(`${t.httpUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const doc = (await (await fetch(`${t.httpUrl}/docs-json`)).json()) as { openapi: string };
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('refuses a body over 100 kB with 413 payload_too_large, before looking at the token', async () => {
    const res = await fetch(`${t.httpUrl}/agent/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'x'.repeat(101 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });

  it('refuses a path parameter with a malformed percent-escape with 400 bad_request', async () => {
    const res = await fetch(`${t.httpUrl}/history/%FF`, { headers: { Authorization: `Bearer ${signToken('alice')}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'bad_request' });
  });

  it('refuses a conversation id that breaks its pattern with 400 chat.invalid_id on the operator routes', async () => {
    const operator = { Authorization: `Bearer ${signToken('sam', { roles: ['operator'] })}`, 'content-type': 'application/json' };
    const res = await fetch(`${t.httpUrl}/conversations/${'x'.repeat(129)}/release`, { method: 'POST', headers: operator });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'chat.invalid_id' });
  });

  it('answers an unknown route with the JSON error shape and the request id', async () => {
    const res = await fetch(`${t.httpUrl}/nope`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(await res.json()).toMatchObject({ statusCode: 404, code: 'not_found', requestId: 'req-123' });
  });

  it('mints a request id when the caller sends none or an unsafe one', async () => {
    const res = await fetch(`${t.httpUrl}/health`, { headers: { 'X-Request-Id': 'bad id\twith spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates bodies: unknown fields are dropped, wrong types are refused with per-field details', async () => {
    const post = (body: string) =>
      fetch(`${t.httpUrl}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await post(JSON.stringify({ task: 'x', count: 2, admin: true }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ task: 'x', count: 2 });

    const bad = await post(JSON.stringify({ task: 5, count: 20, admin: true }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; details: string[] };
    expect(body.code).toBe('validation_failed');
    expect(body.details).toEqual(expect.arrayContaining(['task must be a string', 'count must not be greater than 10']));
    expect(body.details.filter((detail) => detail.includes('admin'))).toEqual([]);
  });

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const res = await fetch(`${t.httpUrl}/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"task":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, code: 'invalid_json' });
  });
});
