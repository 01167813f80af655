import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module';
import { configureApp, startListening } from '../src/app.setup';
import { loadConfig } from '../src/config/app-config';
import type { GatewayWsAdapter } from '../src/ws/gateway-ws.adapter';
import { ProbeModule } from './support/probe.module';
import { signToken, TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

/**
 * The adapter's half of a drain, on its own: main.ts calls drain() on SIGTERM, then app.close(). The process
 * spec (drain.e2e.spec.ts) covers the whole sequence with running turns.
 */
describe('WebSocket drain', () => {
  const auth = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
  let dataDir: string;
  let app: INestApplication;
  let adapter: GatewayWsAdapter;
  let httpUrl: string;
  let wsUrl: string;
  let closing: Promise<void> | undefined;
  /** Once: a test may close the app itself, and afterEach must not close it twice. */
  const close = () => (closing ??= app.close());

  beforeEach(async () => {
    closing = undefined;
    dataDir = mkdtempSync(join(tmpdir(), 'agw-ws-drain-'));
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), ProbeModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    adapter = configureApp(app, config, pino({ level: 'silent' }));
    await startListening(app, config, adapter, 0);
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    httpUrl = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses new upgrades with 503 server.draining and Retry-After, before even looking at the token', async () => {
    adapter.drain();
    for (const options of [auth, {}]) {
      const refusal = await TestSocket.refusal(`${wsUrl}/probe/a`, options);
      expect(refusal.status).toBe(503);
      expect(refusal.body).toEqual({
        statusCode: 503,
        code: 'server.draining',
        message: 'The server is shutting down; connect again to reach another instance',
        requestId: expect.any(String) as string,
      });
      expect(refusal.headers['retry-after']).toBe('1');
    }
  });

  it('keeps open sockets and REST working while it drains, then closes the sockets with 1012', async () => {
    const client = await TestSocket.open(`${wsUrl}/probe/a`, auth);
    await client.next();
    adapter.drain();
    client.send({ type: 'echo', text: 'still here' });
    expect(await client.next()).toEqual({ type: 'echoed', body: { type: 'echo', text: 'still here' } });
    expect((await fetch(`${httpUrl}/health`)).status).toBe(200);

    const stopped = close();
    expect(await client.closed).toEqual({ code: 1012, reason: 'service restart' });
    await stopped;
  });
});
