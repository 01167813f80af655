import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { config as loadDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp, shutdownTiming, startListening } from './app.setup';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { createLogger } from './logging/logger';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { startupHint } from './startup/startup-failure';
import { StartupLogger } from './startup/startup-logger';

async function bootstrap(config: AppConfig, logger: Logger): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new StartupLogger(new PinoNestLogger(logger), logger.isLevelEnabled('debug')),
    abortOnError: false,
  });
  const adapter = configureApp(app, config, logger);
  const legacy = await startListening(app, config, adapter);
  app.useLogger(new PinoNestLogger(logger));
  if (legacy.length > 0) logger.info({ ports: legacy }, 'Also listening on the legacy ports');
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info({ url: `http://${config.http.host}:${port}`, port, database: config.database.type }, 'Agent Gateway is listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Refuse new WebSocket clients first, so they reconnect elsewhere while running turns finish here.
    adapter.drain();
    const { exitAfterMs } = shutdownTiming(config);
    logger.info({ signal, exitAfterMs }, 'Draining: new WebSocket upgrades get 503, running turns may finish, then sockets close with 1012');
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, exitAfterMs).unref();
    app.close().then(
      () => logger.info('Stopped'),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function start(): void {
  loadDotenv({ quiet: true });
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config.log.level);
  bootstrap(config, logger).catch((error: unknown) => {
    // A failure with a known remedy is one line naming the setting; the stack only helps when debugging.
    const hint = startupHint(error, config);
    if (hint && !logger.isLevelEnabled('debug')) logger.fatal(`Could not start: ${hint}`);
    else logger.fatal({ err: error, hint }, `Could not start: ${hint ?? (error instanceof Error ? error.message : String(error))}`);
    process.exit(1);
  });
}

start();
