import type { HealthCheckResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainState } from '../src/common/drain-state';
import { databaseKinds, postgres, sqlite } from './support/databases';
import { redisUrl } from './support/redis';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';

async function probe(t: TestApp, path: 'live' | 'ready'): Promise<{ status: number; body: HealthCheckResult }> {
  const res = await fetch(`${t.httpUrl}/health/${path}`);
  return { status: res.status, body: (await res.json()) as HealthCheckResult };
}

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('liveness and readiness on %s', (_name, kind) => {
  let t: TestApp;

  beforeAll(async () => {
    if (kind.available) t = await startTestApp({ database: kind });
  });
  afterAll(async () => {
    if (kind.available) await t.close();
  });

  it.skipIf(!kind.available)('is live, and ready when the database answers and is migrated; no token needed', async () => {
    expect(await probe(t, 'live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await probe(t, 'ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { server: { status: 'up' }, database: { status: 'up' }, migrations: { status: 'up' } } });
    expect(ready.body.details).not.toHaveProperty('redis');
    expect((await fetch(`${t.httpUrl}/health/ready`)).headers.get('cache-control')).toMatch(/no-store/);
  });

  it.skipIf(!kind.available)('is not ready, saying why, while the database is gone; still live', async () => {
    const db = t.app.get(DataSource);
    await db.destroy();
    try {
      const ready = await probe(t, 'ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down', message: expect.any(String) as string } } });
      expect((await probe(t, 'live')).status).toBe(200);
    } finally {
      await db.initialize();
    }
    expect((await probe(t, 'ready')).status).toBe(200);
  });

  it.skipIf(!kind.available)('is not ready while a migration of this build is not applied', async () => {
    const db = t.app.get(DataSource);
    const [newest] = await db.createQueryBuilder().select('*').from('migrations', 'm').orderBy('m.timestamp', 'DESC').limit(1).getRawMany<{ name: string }>();
    await db.createQueryBuilder().delete().from('migrations').where('name = :name', { name: newest!.name }).execute();
    try {
      const ready = await probe(t, 'ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toEqual({ migrations: expect.objectContaining({ status: 'down', message: `Not applied: ${newest!.name}` }) as unknown });
    } finally {
      await db.createQueryBuilder().insert().into('migrations').values(newest!).execute();
    }
    expect((await probe(t, 'ready')).status).toBe(200);
  });

  it.skipIf(!kind.available)('is not ready once draining has begun, so load balancers stop sending traffic', async () => {
    t.app.get(DrainState).start();
    const ready = await probe(t, 'ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toEqual({ server: { status: 'down', message: 'Draining for shutdown' } });
    expect((await probe(t, 'live')).status).toBe(200);
  });
});

describe('readiness with Redis', () => {
  const target = new URL(redisUrl());
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    t = await startTestApp({ database: postgres.available ? postgres : sqlite, env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
  });
  afterAll(async () => {
    await proxy.start();
    await t.close();
    await proxy.stop();
  });

  it('is ready while Redis answers, not ready while it is unreachable, and ready again when it is back', async () => {
    const ready = await probe(t, 'ready');
    expect(ready).toMatchObject({ status: 200, body: { details: { redis: { status: 'up' }, database: { status: 'up' } } } });

    await proxy.stop();
    await expect.poll(async () => (await probe(t, 'ready')).status, { timeout: 10000 }).toBe(503);
    expect((await probe(t, 'ready')).body.error).toMatchObject({ redis: { status: 'down', message: expect.any(String) as string } });
    expect((await probe(t, 'live')).status).toBe(200);

    await proxy.start();
    await expect.poll(async () => (await probe(t, 'ready')).status, { timeout: 10000 }).toBe(200);
  });
});
