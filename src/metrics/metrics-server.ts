import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { toHttpError } from '../common/http-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { GatewayMetrics } from './gateway-metrics';
import { assertMetricsAccess } from './metrics-access';

/** METRICS_PORT: /metrics alone on its own port, so it can stay off the network that reaches the API. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics?.port;
    if (port === null || port === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, resolve);
    });
    this.server = server;
    this.logger.log(`Metrics on http://${this.config.http.host}:${(server.address() as AddressInfo).port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
      if (req.method !== 'GET' || path !== '/metrics') {
        this.send(res, 404, 'application/json; charset=utf-8', JSON.stringify({ statusCode: 404, code: 'not_found', message: 'Only GET /metrics is served here' }));
        return;
      }
      assertMetricsAccess(req.headers, this.config.metrics?.token ?? null);
      this.send(res, 200, this.metrics.contentType, await this.metrics.render());
    } catch (error) {
      const { status, headers, body } = toHttpError(error);
      if (status >= 500) this.logger.error(error);
      this.metrics.refused('http', body.code);
      this.send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
    }
  }

  private send(res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}
