import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { DatabaseHealthRepository } from './database-health.repository';
import { dataSourceOptions } from './data-source-options';
import { migrate } from './migrate';
import { SqliteCheckpointer } from './sqlite-checkpointer';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            // Migrations run in openDataSource, under a lock, instead of unguarded inside initialize().
            ...dataSourceOptions(config.database),
            migrationsRun: false,
            // Fail fast: an unreachable database at start is an operator error to report, not to wait out.
            retryAttempts: 1,
            retryDelay: 0,
          }),
          dataSourceFactory: (options) => openDataSource(options!),
        }),
      ],
      providers: [DatabaseHealthRepository, SqliteCheckpointer],
      exports: [DatabaseHealthRepository, SqliteCheckpointer],
    };
  }
}

async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    const applied = await migrate(dataSource);
    if (applied.length > 0) new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
    return dataSource;
  } catch (error) {
    // The start fails; the pool must not keep the process alive or hold connections meanwhile.
    await dataSource.destroy();
    throw error;
  }
}
