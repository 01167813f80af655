import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../src/migrations';
import { postgres, type TestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { TEST_SECRET } from './support/tokens';

const INSTANCES = 10;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function executedMigrations(url: string): Promise<Array<{ name: string; runs: number }>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ name: string; runs: string }>('SELECT name, count(*) AS runs FROM migrations GROUP BY name');
    return result.rows.map((row) => ({ name: row.name, runs: Number(row.runs) })).sort(byName);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgres.available)('many instances starting at once on a fresh PostgreSQL database', () => {
  let db: TestDatabase;
  const dataDirs: string[] = [];
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    db = await postgres.create();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it(`all ${INSTANCES} start and serve, and each migration runs exactly once`, async () => {
    for (let n = 0; n < INSTANCES; n++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'agw-many-'));
      dataDirs.push(dataDir);
      servers.push(new ServerProcess({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' }));
    }

    // Ten Node processes booting on a small CI machine take a while; the budget is for the machine, not the lock.
    const listening = await Promise.all(servers.map((server) => server.waitFor((line) => line.msg === 'Agent Gateway is listening', 60000)));
    const urls = listening.map((line) => `http://127.0.0.1:${line.port as number}`);
    const health = await Promise.all(urls.map(async (url) => (await fetch(`${url}/health`)).status));
    expect(health).toEqual(Array<number>(INSTANCES).fill(200));
    const expected = migrations.map((migration) => ({ name: migration.name, runs: 1 })).sort(byName);
    expect(await executedMigrations(db.url)).toEqual(expected);
  }, 90000);
});
