import type { DataSource } from 'typeorm';

/**
 * The advisory lock every instance takes around its migrations: "agw:migr" as eight ASCII bytes. Any fixed
 * bigint works, as long as every instance uses the same one and nothing else in the database does.
 */
export const MIGRATION_LOCK_KEY = '7018709637107640178';

/**
 * Applies pending migrations. On PostgreSQL many instances may start at once on a fresh database: without a
 * lock two of them both create the `migrations` table or both insert the seed rows, and one dies. The first
 * to take the lock migrates; the others wait on it, then find nothing pending. SQLite is one process and a
 * file, so it needs none. Returns the names of the migrations this call applied.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'postgres') return names(await dataSource.runMigrations({ transaction: 'all' }));
  // A session-level lock belongs to one connection, so it is taken and released on a dedicated one.
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      return names(await dataSource.runMigrations({ transaction: 'all' }));
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Should the unlock itself fail, the connection is broken, and PostgreSQL drops a session's locks with it.
    await lockHolder.release();
  }
}

function names(applied: Array<{ name: string }>): string[] {
  return applied.map((migration) => migration.name);
}
