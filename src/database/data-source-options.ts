import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { migrations } from '../migrations';
import { entities } from './entities';

/**
 * One description of the database for the server, the TypeORM CLI (ormconfig.ts) and the tests.
 * `migrationsRun` serves the tests' one-process data sources; the server turns it off and migrates under a
 * lock instead (database.module.ts), and the CLI turns it off to run migrations as a command.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities, migrations, migrationsRun: true, synchronize: false, logging: false } as const;
  if (database.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      connectTimeoutMS: database.connectTimeoutMs,
      extra: { max: 10, connectionTimeoutMillis: database.connectTimeoutMs },
    };
  }
  mkdirSync(dirname(database.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: true,
    timeout: 5000,
    // In WAL mode, NORMAL syncs at checkpoints rather than at every commit: a commit survives the process
    // crashing (the guarantee the event log documents), only a power cut may lose the last ones. FULL's fsync
    // per commit blocked the event loop on every batch of streamed tokens.
    prepareDatabase: (db: { pragma: (source: string) => unknown }) => void db.pragma('synchronous = NORMAL'),
  };
}
