import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface TestDatabase {
  /** A DATABASE_URL for a database nobody else uses. */
  url: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'sqlite' | 'postgres';
  /** False for PostgreSQL when TEST_DATABASE_URL is unset; global setup says so once. */
  available: boolean;
  create(): Promise<TestDatabase>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;

export const sqlite: DatabaseKind = {
  name: 'sqlite',
  available: true,
  create() {
    const dir = mkdtempSync(join(tmpdir(), 'agw-sqlite-'));
    const drop = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    return Promise.resolve({ url: `sqlite:${join(dir, 'gateway.sqlite')}`, drop });
  },
};

/** A fresh database on the TEST_DATABASE_URL server per call, so spec files can run in parallel. */
export const postgres: DatabaseKind = {
  name: 'postgres',
  available: postgresUrl !== undefined,
  async create() {
    if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
    const name = `agw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  },
};

export const databaseKinds = [sqlite, postgres];

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
