import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres, type TestDatabase } from './support/databases';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';

const headers = { Authorization: `Bearer ${signToken('olive', { roles: ['operator'] })}` };

describe.skipIf(!postgres.available)('PostgreSQL unreachable at run time', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    db = await postgres.create();
    const url = new URL(db.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.start();
    url.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp({ databaseUrl: url.toString(), env: { DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await proxy.start();
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  const get = (path: string) => fetch(`${t.httpUrl}${path}`, { headers });
  const reply = () =>
    fetch(`${t.httpUrl}/conversations/down-convo/messages`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello' }),
    });

  it('answers 503 database.unavailable while the connection is cut, and recovers when it is back', async () => {
    expect((await get('/history/down-chat')).status).toBe(200);

    await proxy.stop();
    for (const res of [await get('/history/down-chat'), await get('/conversations'), await reply()]) {
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ statusCode: 503, code: 'database.unavailable' });
    }

    await proxy.start();
    await expect.poll(async () => (await get('/history/down-chat')).status, { timeout: 10000 }).toBe(200);
    expect((await reply()).status).toBe(404);
  });
});
