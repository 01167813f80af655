import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases';
import { ProbeModule } from './support/probe.module';
import { startTestApp, type TestApp } from './support/test-app';

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  security?: unknown[];
  requestBody?: unknown;
}

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

  it('serves the OpenAPI UI at /docs and the document at /docs-json', async () => {
    const ui = await fetch(`${t.httpUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const doc = (await (await fetch(`${t.httpUrl}/docs-json`)).json()) as {
      openapi: string;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.components.schemas).toHaveProperty('ErrorResponse');
    expect(doc.paths['/auth/me']!.get!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/auth/me']!.get!.responses['401']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    });
  });

  it('documents a response schema for every status of every production route', async () => {
    const doc = (await (await fetch(`${t.httpUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => !path.startsWith('/probe'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ at: `${method} ${path}`, op })));
    expect(operations.map((entry) => entry.at).sort()).toEqual([
      'get /auth/me',
      'get /conversations',
      'get /health',
      'get /health/live',
      'get /health/ready',
      'get /history/{chat_id}',
      'post /agent/run',
      'post /conversations/{id}/messages',
      'post /conversations/{id}/release',
    ]);
    for (const { at, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.content?.['application/json']?.schema, `${at} ${status}`).toBeDefined();
      }
    }
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
