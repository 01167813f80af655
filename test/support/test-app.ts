import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { AppModule } from '../../src/app.module';
import { configureApp, startListening } from '../../src/app.setup';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createLogger } from '../../src/logging/logger';
import { PinoNestLogger } from '../../src/logging/pino-nest-logger';
import { sqlite, type DatabaseKind, type TestDatabase } from './databases';
import { TEST_SECRET } from './tokens';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  httpUrl: string;
  wsUrl: string;
  /** The legacy ports bound, when the env asked for them. */
  legacyPorts: number[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  database?: DatabaseKind;
  /** Extra modules: a probe gateway or controller for transport specs, a team's own agents and tools. */
  imports?: Array<Type | DynamicModule>;
  /** An existing database to reuse (left in place at close), e.g. to restart an app on the same data. */
  databaseUrl?: string;
  /** Where the app's JSON log lines go (level debug), for specs that check the log; unset: no logs. */
  logs?: Writable;
}

export { UNLIMITED } from './unlimited-quotas';

/** The real application, configured as main.ts does, listening on a free port with its own database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agw-data-'));
  const database: TestDatabase = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await (options.database ?? sqlite).create();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), ...(options.imports ?? [])] }).compile();
  const logger = options.logs ? createLogger('debug', options.logs) : pino({ level: 'silent' });
  const app = moduleRef.createNestApplication({ logger: options.logs ? new PinoNestLogger(logger) : false });
  const legacyPorts = await startListening(app, config, configureApp(app, config, logger), 0);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    config,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    legacyPorts,
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
