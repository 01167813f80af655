import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import type { BenchConfig } from '../config';
import { freePort } from '../../test/support/free-port';
import { productionNodeFlags } from '../../test/support/production-flags';
import { UNLIMITED } from '../../test/support/unlimited-quotas';
import { PinnedProcess } from './pinned-process';
import { createDatabase, dropDatabase } from './postgres';

const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';

/** A server under measurement: the gateway or one of the baselines, alone on core 0. */
export interface Target {
  name: string;
  httpUrl: string;
  wsUrl: string;
  proc: PinnedProcess;
  /** The gateway's SQLite file or PostgreSQL URL, for counting log rows; absent on baselines. */
  database?: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  stop(): Promise<void>;
}

export function benchToken(sub = 'bench'): string {
  return jwt.sign({ sub, exp: Math.floor(Date.now() / 1000) + 3 * 3600 }, JWT_SECRET, { algorithm: 'HS256' });
}

export interface GatewayOptions {
  /** The mock's base URL, or `builtin` for the offline rule model. */
  model: string;
  database?: 'sqlite' | 'postgres';
}

export async function startGateway(config: BenchConfig, options: GatewayOptions): Promise<Target> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const pgUrl = options.database === 'postgres' ? await createDatabase(config.postgresUrl, `bench_${randomUUID().slice(0, 8)}`) : undefined;
  const model: Record<string, string> =
    options.model === 'builtin'
      ? { MODEL_PROVIDER: 'builtin' }
      : { MODEL_PROVIDER: 'openai-compatible', MODEL_NAME: 'mock', MODEL_BASE_URL: options.model, MODEL_API_KEY: 'bench', MODEL_MAX_RETRIES: '0' };
  const proc = new PinnedProcess(join(config.serverDir, 'dist', 'src', 'main.js'), [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    // Production refuses to start without a JWKS or secret config beyond this; development with a fixed secret is the same code path.
    NODE_ENV: 'development',
    JWT_SECRET,
    DATA_DIR: dataDir,
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    LOG_LEVEL: 'warn',
    // Neither a ping nor a run timeout may fire inside a measurement.
    WS_HEARTBEAT_INTERVAL_MS: '600000',
    RUN_TIMEOUT_MS: '600000',
    METRICS_ENABLED: 'true',
    // The load generator is one user at rates no person reaches, with thousands of sockets: the quotas would refuse
    // most of it. They still run (a bucket, a counter per request or frame), so their cost stays in the figures.
    ...UNLIMITED,
    WS_MAX_SOCKETS_PER_USER: '100000',
    ...model,
  }, [
    // Started as `npm run start:prod` starts it: the same Node flags.
    ...productionNodeFlags(config.serverDir),
    ...profileFlags(config),
    // Other diagnostics for the gateway (BENCH_NODE_ARGS="--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/hs").
    ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ]);
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl) await dropDatabase(config.postgresUrl, pgUrl);
  };
  try {
    await proc.waitHealthy(`http://127.0.0.1:${port}/health`);
  } catch (error) {
    await stop();
    throw error;
  }
  const database = pgUrl ? { kind: 'postgres' as const, url: pgUrl } : { kind: 'sqlite' as const, file: join(dataDir, 'gateway.sqlite') };
  return { name: 'gateway', httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, proc, database, stop };
}

export type BaselineName = 'bare-relay' | 'sdk-relay' | 'bare-ws';

/** One of bench/baselines/*.js, started like the gateway; each answers `GET /health` once it listens. */
export async function startBaseline(config: BenchConfig, name: BaselineName, mockUrl = ''): Promise<Target> {
  const port = await freePort();
  const script = name === 'bare-ws' ? 'idle-ws.js' : 'ws-relay.js';
  const relay = name === 'sdk-relay' ? 'sdk' : 'bare';
  // Profiled too when the gateway is: a profile of the gateway alone says what costs, not what costs more.
  const proc = new PinnedProcess(join(config.benchDir, 'baselines', script), [], { PORT: String(port), MOCK_URL: mockUrl, RELAY: relay }, profileFlags(config));
  await proc.waitHealthy(`http://127.0.0.1:${port}/health`);
  return { name, httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, proc, stop: () => proc.stop() };
}

function profileFlags(config: BenchConfig): string[] {
  return config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : [];
}

/** Starts a target, hands it over, and stops it whatever happens: targets never overlap on core 0. */
export async function withTarget<T>(start: () => Promise<Target>, use: (target: Target) => Promise<T>): Promise<T> {
  const target = await start();
  try {
    return await use(target);
  } finally {
    await target.stop();
  }
}
