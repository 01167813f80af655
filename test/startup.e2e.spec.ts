import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port';
import { ServerProcess } from './support/server-process';
import { TEST_SECRET } from './support/tokens';

/** A start that cannot succeed ends in one line naming the setting to change, and no stack unless debugging. */
describe('start-up failures name the setting to change', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'agw-startup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const failedStart = async (env: Record<string, string>) => {
    const server = new ServerProcess({ DATA_DIR: dir, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info', ...env });
    const { code } = await server.exited;
    const fatal = server.lines.find((line) => line.level === 60);
    return { code, fatal: fatal?.msg, stacks: server.stdout.includes('\\n    at '), server };
  };

  it('a port in use: set PORT', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const result = await failedStart({ PORT: String(port), HOST: '127.0.0.1' });
      expect(result.code).toBe(1);
      expect(result.fatal).toBe(`Could not start: Port 127.0.0.1:${port} is already in use: set PORT (or HOST) to a free one, or stop what holds it`);
      expect(result.stacks).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('an unreachable database: check DATABASE_URL; with LOG_LEVEL=debug the stack is there too', async () => {
    const port = await freePort();
    const result = await failedStart({ PORT: '0', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nothing` });
    expect(result.code).toBe(1);
    expect(result.fatal).toMatch(/^Could not start: PostgreSQL refused or did not answer \(.*ECONNREFUSED.*\): check DATABASE_URL$/);
    expect(result.stacks).toBe(false);
    const debug = await failedStart({ PORT: '0', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nothing`, LOG_LEVEL: 'debug' });
    expect(debug.fatal).toMatch(/check DATABASE_URL/);
    expect(debug.stacks).toBe(true);
  });

  it('an unreachable Redis: check REDIS_URL, without its password', async () => {
    const port = await freePort();
    const result = await failedStart({ PORT: '0', REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.fatal).toMatch(new RegExp(`^Could not start: Redis at 127.0.0.1:${port} did not answer .*: check REDIS_URL$`));
    expect(result.server.stdout).not.toContain('hunter2');
    expect(result.stacks).toBe(false);
  });
});
