import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

// The TypeORM CLI's entry point (npm run migration:run / migration:generate); reads the same variables as the server.
loadDotenv({ quiet: true });

export default new DataSource({ ...dataSourceOptions(loadConfig(process.env).database), migrationsRun: false });
