import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Database } from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';

/** How often the worker copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 500;
/** SQLite's own default: the server's connection checkpoints at this many WAL pages when no worker does. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** With the worker: only if it falls far behind (a stuck worker must not let the WAL grow without bound). */
const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

/**
 * The worker's whole program, passed as source so it runs the same from `dist/` and from the TypeScript sources
 * under test. Its own connection runs PASSIVE checkpoints, which never block the server's reads or writes.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma('synchronous = NORMAL');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error && error.message || error));
  }
}, workerData.everyMs);
`;

/**
 * Runs SQLite's WAL checkpoints on a worker thread. A checkpoint copies the WAL's pages into the database file and
 * fsyncs it (with `synchronous = NORMAL` that is where durability is paid); done by the server's own connection,
 * every thousand pages, it stopped the event loop for tens of milliseconds at a time under a thousand streaming
 * chats, every client's frames waiting behind it. PostgreSQL needs nothing of this.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private worker: Worker | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onApplicationBootstrap(): void {
    if (this.db.options.type !== 'better-sqlite3' || this.db.options.database === ':memory:') return;
    const connection = (this.db.driver as unknown as { databaseConnection: Database }).databaseConnection;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.db.options.database, everyMs: CHECKPOINT_EVERY_MS },
    });
    // A checkpoint is never a reason to keep the process alive.
    worker.unref();
    const fallBack = (problem: string) => {
      this.logger.warn(`WAL checkpoints are back on the server's thread: ${problem}`);
      if (this.db.isInitialized) connection.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      void worker.terminate();
      if (this.worker === worker) this.worker = null;
    };
    worker.once('message', (problem: string) => fallBack(problem));
    worker.once('error', (error) => fallBack(error.message));
    connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.worker = worker;
  }

  /** Before the data source closes (onApplicationShutdown); an interrupted checkpoint leaves the WAL as it was. */
  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  /** Whether checkpoints run on the worker (false on PostgreSQL, in memory, or after the worker failed). */
  get inBackground(): boolean {
    return this.worker !== null;
  }
}
