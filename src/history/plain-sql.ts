import type { Database, Statement } from 'better-sqlite3';
import type { Pool } from 'pg';
import { CannotExecuteNotConnectedError, type DataSource } from 'typeorm';
import { bindParameters } from './sql-parameters';

/**
 * The log's reads (and the chat claim) straight to the driver, bypassing TypeORM's query runner: they run on every
 * turn and every socket open, and the runner's own work (a runner per query, its events and result wrapping, a
 * prepare per call on SQLite) cost more than the statement. Errors are the driver's own, which
 * `isDatabaseUnavailable` reads like TypeORM's.
 */
export interface PlainSql {
  /** `:name` and `:...list` parameters, bound by the driver (sql-parameters.ts). */
  rows<T>(sql: string, parameters: Record<string, unknown>): Promise<T[]>;
}

const shared = new WeakMap<DataSource, PlainSql>();

/** One per data source, shared by the repositories, so a statement is prepared once. */
export function plainSqlFor(db: DataSource): PlainSql {
  let plain = shared.get(db);
  if (!plain) shared.set(db, (plain = create(db)));
  return plain;
}

function create(db: DataSource): PlainSql {
  const driver = db.driver as unknown as { databaseConnection?: Database; master?: Pool };
  const open = () => {
    if (!db.isInitialized) throw new CannotExecuteNotConnectedError();
  };
  return db.options.type === 'better-sqlite3' ? new SqlitePlainSql(() => driver.databaseConnection!, open) : new PostgresPlainSql(() => driver.master!, open);
}

/** Prepared statements kept per SQL text: the texts come from a few templates, so this stays small. */
const KEPT_STATEMENTS = 500;

class SqlitePlainSql implements PlainSql {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly connection: () => Database,
    private readonly open: () => void,
  ) {}

  // Async so that a throw becomes a rejection, as from TypeORM; the statement itself runs synchronously.
  // eslint-disable-next-line @typescript-eslint/require-await
  async rows<T>(template: string, parameters: Record<string, unknown>): Promise<T[]> {
    this.open();
    const [sql, values] = bindParameters(template, parameters, 'sqlite');
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= KEPT_STATEMENTS) this.statements.clear();
      this.statements.set(sql, (statement = this.connection().prepare(sql)));
    }
    // better-sqlite3 binds no booleans.
    const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    if (statement.reader) return statement.all(bound) as T[];
    statement.run(bound);
    return [];
  }
}

class PostgresPlainSql implements PlainSql {
  /** A name per SQL text: each pooled connection parses and plans a named statement once. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly pool: () => Pool,
    private readonly open: () => void,
  ) {}

  async rows<T>(template: string, parameters: Record<string, unknown>): Promise<T[]> {
    this.open();
    const [sql, values] = bindParameters(template, parameters, 'postgres');
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < KEPT_STATEMENTS) this.names.set(sql, (name = `agw_read_${this.names.size}`));
    const result = await this.pool().query({ name, text: sql, values });
    return result.rows as T[];
  }
}
