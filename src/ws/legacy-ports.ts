import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { GatewayWsAdapter } from './gateway-ws.adapter';

/**
 * Drop-in compatibility with the seed deployment, which served chat WS on 8765, history on 8000 and the
 * stateless REST run on 8001: each configured port serves the whole app (HTTP and WebSocket upgrades).
 */
@Injectable()
export class LegacyPorts implements OnApplicationShutdown {
  private readonly servers: Server[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async open(app: INestApplication, adapter: GatewayWsAdapter): Promise<number[]> {
    const handler = app.getHttpAdapter().getInstance() as Parameters<typeof createServer>[0];
    for (const port of this.config.http.legacyPorts) {
      const server = createServer(handler);
      adapter.listenForUpgrades(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.config.http.host, resolve);
      });
      this.servers.push(server);
    }
    return this.servers.map((server) => (server.address() as AddressInfo).port);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      ),
    );
  }
}
