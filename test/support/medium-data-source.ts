import { DataSource } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import type { DatabaseKind, TestDatabase } from './databases';

/**
 * For repository specs without the app: a migrated database of `kind` of their own for the enclosing describe,
 * opened before its tests and dropped after them. Read the data source inside hooks and tests.
 */
export function useDataSource(kind: DatabaseKind): () => DataSource {
  let db: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    db = await kind.create();
    dataSource = new DataSource(dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database));
    await dataSource.initialize();
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });
  return () => dataSource!;
}
