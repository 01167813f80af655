import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { DatabaseHealthRepository } from './database-health.repository';
import { dataSourceOptions } from './data-source-options';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.database),
          // Fail fast: an unreachable database at start is an operator error to report, not to wait out.
          retryAttempts: 1,
          retryDelay: 0,
        }),
      ],
      providers: [DatabaseHealthRepository],
      exports: [DatabaseHealthRepository],
    };
  }
}
