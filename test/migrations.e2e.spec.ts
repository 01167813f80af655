import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, type TestDatabase } from './support/databases';

const ROOT = join(__dirname, '..');

function npmRun(script: string, args: string[], databaseUrl: string): { status: number | null; output: string } {
  const result = spawnSync('npm', ['run', '-s', script, '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 120000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe.each(databaseKinds.map((kind) => [kind.name, kind] as const))('TypeORM CLI on %s', (_name, kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    if (kind.available) db = await kind.create();
  });
  afterAll(async () => {
    if (kind.available) await db.drop();
  });

  it.skipIf(!kind.available)('npm run migration:run applies the committed migrations', () => {
    const result = npmRun('migration:run', [], db.url);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('Migration ChatHistory1763720000000 has been executed successfully');
  });

  it.skipIf(!kind.available)('the entities and the migrations describe the same schema (migration:generate finds nothing)', () => {
    const result = npmRun('migration:generate', ['--check', 'src/migrations/Unexpected'], db.url);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('No changes in database schema were found');
  });
});
