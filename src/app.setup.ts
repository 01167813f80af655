import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { TokenVerifier } from './auth/token-verifier';
import type { AppConfig } from './config/app-config';
import { corsOptions } from './common/cors-options';
import { DrainState } from './common/drain-state';
import { HttpErrorFilter } from './common/http-error.filter';
import { createRequestLogger } from './logging/request-logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { createOpenApiDocument } from './openapi/openapi-document';
import { SocketQuotas } from './quota/socket-quotas';
import { GatewayWsAdapter } from './ws/gateway-ws.adapter';
import { LegacyPorts } from './ws/legacy-ports';
import { WsHandshake } from './ws/ws-handshake';

/** Everything main.ts and the e2e tests both need on top of the module graph, so tests run the real thing. */
export function configureApp(app: INestApplication, config: AppConfig, logger: Logger): GatewayWsAdapter {
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use(createRequestLogger(logger));
  const cors = corsOptions(config.cors);
  if (cors) app.enableCors(cors);
  // Unknown fields are dropped, not refused: clients of the original (pydantic) servers send extras.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  const metrics = app.get(GatewayMetrics);
  app.useGlobalFilters(new HttpErrorFilter(metrics));
  const adapter = new GatewayWsAdapter(app, {
    handshake: new WsHandshake(app.get(TokenVerifier), config.ws.allowedOrigins),
    maxPayloadBytes: config.ws.maxPayloadBytes,
    heartbeatIntervalMs: config.ws.heartbeatIntervalMs,
    closeGraceMs: shutdownTiming(config).closeGraceMs,
    logger: logger.child({ context: 'WebSocket' }),
    metrics,
    drainState: app.get(DrainState),
    quotas: new SocketQuotas(config.quotas),
  });
  app.useWebSocketAdapter(adapter);
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return adapter;
}

/** Leaves the database and the HTTP server this long to close once the sockets are gone. */
const FINAL_CLOSE_MS = 2000;

/**
 * The shutdown budget, step by step: running turns get up to SHUTDOWN_TIMEOUT_MS to finish, then clients get
 * `closeGraceMs` to answer the 1012 close, then the rest closes. Past `exitAfterMs` the process exits anyway.
 */
export function shutdownTiming(config: AppConfig): { closeGraceMs: number; exitAfterMs: number } {
  const closeGraceMs = Math.min(config.http.shutdownTimeoutMs, 5000);
  return { closeGraceMs, exitAfterMs: config.http.shutdownTimeoutMs + closeGraceMs + FINAL_CLOSE_MS };
}

/** Listens on PORT, then on any configured legacy ports; returns the legacy ports actually bound. */
export async function startListening(app: INestApplication, config: AppConfig, adapter: GatewayWsAdapter, port = config.http.port): Promise<number[]> {
  await app.listen(port, config.http.host);
  return app.get(LegacyPorts).open(app, adapter);
}
