import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { NotFoundException, type INestApplicationContext, type Type } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { match, type MatchFunction } from 'path-to-regexp';
import type { Logger } from 'pino';
import { EMPTY, type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DrainState } from '../common/drain-state';
import { toHttpError } from '../common/http-error';
import { scopedLogger } from '../logging/log-context';
import { redactUrl } from '../logging/logger';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { requestIdOf } from '../logging/request-logger';
import { traceConnection } from './connection-log';
import { startHeartbeat } from './heartbeat';
import { ServerError, ServerErrorCode } from './server.error';
import { rejectUpgrade } from './upgrade-rejection';
import { attachConnection, connectionOf } from './ws-connection';
import { selectSubprotocol, type WsHandshake } from './ws-handshake';
import type { WsUpgradeCheck } from './ws-upgrade-check';
import { parseFrame, unroutable, WS_INVALID_FRAME } from './ws-message';

export interface GatewayWsOptions {
  handshake: WsHandshake;
  maxPayloadBytes: number;
  heartbeatIntervalMs: number;
  /** How long a shutdown waits for clients to answer the 1012 close before cutting them off. */
  closeGraceMs: number;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Shared with the readiness probe, which answers 503 once the drain has begun. */
  drainState: DrainState;
}

interface Route {
  pattern: string;
  matches: MatchFunction<Record<string, string | string[]>>;
  server: WebSocketServer;
  check?: Type<WsUpgradeCheck>;
  /** The protocol's name in the log: the gateway's `protocol` option, else the path's first segment. */
  protocol: string;
}

/** "Service restart": the client should reconnect (with `after`), and will reach another instance. */
const SERVICE_RESTART = 1012;

/**
 * The WebSocket transport of every gateway: path patterns with parameters (`/chat/:chatId`), the token
 * checked during the HTTP upgrade (before the 101), small frames without compression, heartbeats,
 * and frames routed on their `type` field.
 */
export class GatewayWsAdapter extends WsAdapter {
  private readonly routes: Route[] = [];
  private readonly attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  constructor(
    private readonly app: INestApplicationContext,
    private readonly options: GatewayWsOptions,
  ) {
    super(app, { messageParser: parseFrame });
    // Listening from the start means an upgrade to a path no gateway serves still gets a proper HTTP answer.
    this.listenForUpgrades(this.httpServer as Server);
  }

  override create(
    port: number,
    options: Record<string, unknown> & { path?: string; upgradeCheck?: Type<WsUpgradeCheck>; protocol?: string } = {},
  ): WebSocketServer {
    const { path, upgradeCheck, protocol, server: _ignored, namespace: _namespace, ...wsOptions } = options;
    if (port !== 0) throw new Error('Gateways share the HTTP port; declare them without a port');
    if (!path) throw new Error('Every gateway needs a path');
    const server = new WebSocketServer({
      ...wsOptions,
      noServer: true,
      maxPayload: this.options.maxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: selectSubprotocol,
    });
    server.on('error', (error) => this.options.logger.error({ err: error, path }, 'WebSocket server error'));
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error) => scopedLogger(this.options.logger).warn({ err: error, path }, 'WebSocket client error')),
    );
    server.on('headers', (headers: string[], request: IncomingMessage) => {
      for (const [name, value] of Object.entries(connectionOf(request).responseHeaders ?? {})) headers.push(`${name}: ${value}`);
    });
    startHeartbeat(server, this.options.heartbeatIntervalMs);
    const name = protocol ?? path.split('/')[1] ?? path;
    this.routes.push({ pattern: path, matches: match(path, { decode: decodeURIComponent }), server, check: upgradeCheck, protocol: name });
    server.on('connection', (socket: WebSocket) => this.options.metrics.connected(name, socket));
    return server;
  }

  override bindMessageHandler(
    buffer: { data: string | Buffer },
    handlers: Map<string, MessageMappingProperties>,
    transform: (data: unknown) => Observable<unknown>,
  ): Observable<unknown> {
    let frame = parseFrame(buffer.data);
    if (!handlers.has(frame.event) && frame.event !== WS_INVALID_FRAME) frame = unroutable(frame.event);
    const handler = handlers.get(frame.event);
    if (!handler) return EMPTY;
    try {
      return transform(handler.callback(frame.data, frame.event));
    } catch (error) {
      scopedLogger(this.options.logger).error({ err: error, event: frame.event }, 'WebSocket handler failed');
      return EMPTY;
    }
  }

  /**
   * Shutdown, first step: new upgrades get 503 `server.draining` so clients go to another instance, while open
   * sockets stay until close() (Nest calls it after beforeApplicationShutdown, when running turns have ended).
   * REST is not affected.
   */
  drain(): void {
    this.options.drainState.start();
  }

  /** Shutdown, last step: every client gets a 1012 close, a grace period to answer it, then the socket is cut. */
  override async close(server: WebSocketServer): Promise<void> {
    const clients = [...server.clients];
    for (const client of clients) client.close(SERVICE_RESTART, 'service restart');
    await Promise.race([
      Promise.all(clients.map((client) => new Promise((resolve) => client.once('close', resolve)))),
      new Promise((resolve) => setTimeout(resolve, this.options.closeGraceMs).unref()),
    ]);
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  override dispose(): Promise<void> {
    for (const [httpServer, listener] of this.attached) httpServer.off('upgrade', listener);
    this.attached.clear();
    this.routes.length = 0;
    return Promise.resolve();
  }

  /** Serves the gateways' upgrades on another HTTP server too (the optional legacy ports). */
  listenForUpgrades(httpServer: Server): void {
    if (this.attached.has(httpServer)) return;
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head);
    httpServer.on('upgrade', listener);
    this.attached.set(httpServer, listener);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that hangs up while its token is checked must not crash the process.
    socket.on('error', () => socket.destroy());
    const requestId = requestIdOf(req);
    const url = new URL(req.url ?? '/', 'ws://gateway.invalid');
    const log = this.options.logger.child({ requestId, url: redactUrl(req.url) });
    try {
      this.refuseWhileDraining();
      const user = await this.options.handshake.authenticate(req, url);
      const found = this.route(url.pathname);
      if (!found) throw new NotFoundException(`No WebSocket endpoint at ${url.pathname}`);
      const connection = { user, params: found.params, query: url.searchParams, path: url.pathname, requestId };
      if (found.route.check) await this.app.get(found.route.check, { strict: false }).check(connection);
      // The checks above wait on I/O; the drain may have begun meanwhile.
      this.refuseWhileDraining();
      attachConnection(req, connection);
      found.route.server.handleUpgrade(req, socket, head, (ws) =>
        traceConnection(ws, log, { requestId, sub: user.sub, protocol: found.route.protocol }, () => found.route.server.emit('connection', ws, req)),
      );
    } catch (error) {
      const refusal = toHttpError(error);
      this.options.metrics.refused('ws', refusal.body.code);
      // Refusals are routine (expired tokens, probes, a drain); only a server fault deserves the stack.
      if (refusal.status >= 500 && !(error instanceof ServerError)) log.error({ err: error, status: refusal.status }, 'WebSocket upgrade refused');
      else log.info({ status: refusal.status, code: refusal.body.code }, 'WebSocket upgrade refused');
      rejectUpgrade(socket, refusal, requestId);
    }
  }

  private refuseWhileDraining(): void {
    if (this.options.drainState.draining) throw new ServerError(ServerErrorCode.Draining, 'The server is shutting down; connect again to reach another instance');
  }

  private route(pathname: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      try {
        const result = route.matches(pathname);
        // A wildcard segment (`/*route`) matches as a list of segments; gateways get it as one path.
        if (result) {
          const params = Object.fromEntries(Object.entries(result.params).map(([name, value]) => [name, Array.isArray(value) ? value.join('/') : value]));
          return { route, params };
        }
      } catch {
        // A malformed percent-escape in the path cannot match any gateway.
      }
    }
    return null;
  }
}
