import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';

@Injectable()
export class DatabaseHealthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Round-trips a trivial query, bounded by `timeoutMs` so a hung database cannot hang the probe. */
  async ping(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.db.query('SELECT 1').then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Names of the migrations this build has that the database has not applied (another version migrated it, or a revert). */
  async pendingMigrations(): Promise<string[]> {
    const pending = await new MigrationExecutor(this.db).getPendingMigrations();
    return pending.map((migration) => migration.name);
  }
}
