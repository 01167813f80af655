import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NotFoundException, type INestApplicationContext, type Type } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { match, type MatchFunction } from 'path-to-regexp';
import type { Logger } from 'pino';
import { isObservable, type Observable } from 'rxjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { DrainState } from '../common/drain-state';
import { toHttpError } from '../common/http-error';
import { redactUrl } from '../logging/logger';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { requestIdOf } from '../logging/request-logger';
import { ConnectionLog } from './connection-log';
import type { SocketQuotas } from '../quota/socket-quotas';
import { GatewaySocket } from './gateway-socket';
import { Heartbeat } from './heartbeat';
import { ServerError, ServerErrorCode } from './server.error';
import { DEADLINE_HEADER, TokenLease } from './token-lease';
import { rejectUpgrade } from './upgrade-rejection';
import { attachConnection, connectionOf } from './ws-connection';
import { selectSubprotocol, type WsHandshake } from './ws-handshake';
import type { FrameReceiver } from './frame-receiver';
import type { WsUpgradeCheck } from './ws-upgrade-check';
import { parseFrame, unroutable, WS_AUTH_FRAME, WS_INVALID_FRAME, WS_REFUSED_FRAME, type RefusedFrame } from './ws-message';

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
  quotas: SocketQuotas;
}

interface Route {
  pattern: string;
  matches: MatchFunction<Record<string, string | string[]>>;
  server: WebSocketServer;
  check?: Type<WsUpgradeCheck>;
  checker?: WsUpgradeCheck;
  /** The gateway, when it takes its frames itself (resolved at its first socket). */
  frames?: Type<FrameReceiver>;
  receiver?: FrameReceiver;
  /** The protocol's name in the log: the gateway's `protocol` option, else the path's first segment. */
  protocol: string;
}

/** "Service restart": the client should reconnect (with `after`), and will reach another instance. */
const SERVICE_RESTART = 1012;
/** "Policy violation": the client went on flooding after its frames were refused. */
const RATE_CLOSE = { code: 1008, reason: 'rate limit exceeded' };

type Transform = (data: unknown) => Observable<unknown>;

/** A socket's message handlers as Nest bound them, read by the one message listener all sockets share. */
interface SocketHandlers {
  handlers: MessageMappingProperties[];
  transform: Transform;
}

const handlersOf = new WeakMap<GatewaySocket, SocketHandlers>();

/** How long a flooder closed with 1008 has to read its refusals before the connection is cut. */
const CUT_OFF_GRACE_MS = 1000;

/**
 * A flooding client is closed: nothing more is read from it (what it sends piles up on its side, not in our
 * event loop), and the connection is cut once it had a moment to read the close.
 */
function cutOff(client: GatewaySocket): void {
  client.transport.pause();
  setTimeout(() => client.terminate(), CUT_OFF_GRACE_MS).unref();
}

/** During the upgrade: a client that hangs up while its token is checked must not crash the process. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * The WebSocket transport of every gateway: path patterns with parameters (`/chat/:chatId`), the token
 * checked during the HTTP upgrade (before the 101), small frames without compression, heartbeats,
 * and frames routed on their `type` field.
 */
export class GatewayWsAdapter extends WsAdapter {
  private readonly routes: Route[] = [];
  private readonly attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  private readonly heartbeat: Heartbeat;
  private readonly lease: TokenLease;
  private readonly connectionLog: ConnectionLog;
  private readonly onMessage: (this: WebSocket, data: RawData) => void;
  private readonly onClose: (this: WebSocket, code: number) => void;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly options: GatewayWsOptions,
  ) {
    super(app, { messageParser: parseFrame });
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs);
    this.lease = new TokenLease(options.handshake, (socket) => {
      handlersOf.delete(socket);
      socket.revoked = true;
    });
    this.connectionLog = new ConnectionLog(options.logger);
    const dispatch = (socket: GatewaySocket, data: RawData) => this.dispatch(socket, data);
    this.onMessage = function (this: WebSocket, data: RawData) {
      dispatch(this as GatewaySocket, data);
    };
    const closed = (socket: GatewaySocket, code: number) => this.closed(socket, code);
    this.onClose = function (this: WebSocket, code: number) {
      closed(this as GatewaySocket, code);
    };
    // Listening from the start means an upgrade to a path no gateway serves still gets a proper HTTP answer.
    this.listenForUpgrades(this.httpServer as Server);
  }

  override create(
    port: number,
    options: Record<string, unknown> & { path?: string; upgradeCheck?: Type<WsUpgradeCheck>; frames?: Type<FrameReceiver>; protocol?: string } = {},
  ): WebSocketServer {
    const { path, upgradeCheck, frames, protocol, server: _ignored, namespace: _namespace, ...wsOptions } = options;
    if (port !== 0) throw new Error('Gateways share the HTTP port; declare them without a port');
    if (!path) throw new Error('Every gateway needs a path');
    const server = new WebSocketServer({
      ...wsOptions,
      noServer: true,
      maxPayload: this.options.maxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: selectSubprotocol,
      WebSocket: GatewaySocket,
    });
    server.on('error', (error) => this.options.logger.error({ err: error, path }, 'WebSocket server error'));
    const logger = this.options.logger;
    const clientError = function (this: WebSocket, error: Error) {
      logger.warn({ err: error, path, ...(this as GatewaySocket).logScope }, 'WebSocket client error');
    };
    server.on('connection', (socket: GatewaySocket) => socket.on('error', clientError));
    server.on('headers', (headers: string[], request: IncomingMessage) => {
      for (const [name, value] of Object.entries(connectionOf(request).responseHeaders ?? {})) headers.push(`${name}: ${value}`);
    });
    this.heartbeat.watch(server);
    const name = protocol ?? path.split('/')[1] ?? path;
    this.routes.push({ pattern: path, matches: match(path, { decode: decodeURIComponent }), server, check: upgradeCheck, frames, protocol: name });
    server.on('connection', () => this.options.metrics.connected(name));
    return server;
  }

  /** Nest's connection streams serve `@SubscribeMessage` gateways; a frame receiver's sockets are handed over in `open`. */
  override bindClientConnect(server: WebSocketServer, callback: (...args: unknown[]) => void): void {
    if (this.routes.some((route) => route.server === server && route.frames)) return;
    super.bindClientConnect(server, callback);
  }

  /**
   * Nest's version builds a handler Map and an rxjs pipeline per socket; one listener shared by every socket,
   * reading the socket's handlers, does the same work for a fraction of the memory per idle connection.
   */
  override bindMessageHandlers(client: GatewaySocket, handlers: MessageMappingProperties[], transform: Transform): void {
    handlersOf.set(client, { handlers, transform });
    client.on('message', this.onMessage);
  }

  private dispatch(client: GatewaySocket, data: RawData): void {
    const bound = client.revoked ? undefined : (client.receiver ?? handlersOf.get(client));
    if (!bound || client.readyState !== client.OPEN) return;
    const verdict = client.share ? this.options.quotas.frame(client.share) : null;
    if (verdict && verdict.kind !== 'accept') {
      if (verdict.kind === 'drop') return;
      const { code, message, retryAfterMs } = verdict.error;
      const parsed = parseFrame(data);
      const frame = parsed.event === WS_INVALID_FRAME ? null : (parsed.data as Record<string, unknown>);
      const close = verdict.kind === 'close' ? RATE_CLOSE : null;
      if (close) cutOff(client);
      this.refuse(client, bound, { code, message, retryAfterMs, frame, close });
      return;
    }
    let frame = parseFrame(data);
    if (frame.event === WS_AUTH_FRAME) {
      this.lease.renew(client, frame.data as Record<string, unknown>).catch((error: unknown) => {
        this.options.logger.error({ err: error, ...client.logScope }, 'WebSocket token renewal failed');
      });
      return;
    }
    if (!('handlers' in bound)) {
      this.receive(client, bound, frame.event, frame.data);
      return;
    }
    const find = (event: string) => bound.handlers.find((handler) => handler.message === event);
    if (!find(frame.event) && frame.event !== WS_INVALID_FRAME) frame = unroutable(frame.event);
    const handler = find(frame.event);
    if (!handler) return;
    let result: Observable<unknown>;
    try {
      result = bound.transform(handler.callback(frame.data, frame.event));
    } catch (error) {
      this.options.logger.error({ err: error, event: frame.event, ...client.logScope }, 'WebSocket handler failed');
      return;
    }
    if (!isObservable(result)) return;
    result.subscribe({
      next: (response) => {
        if (response === null || response === undefined || client.readyState !== client.OPEN) return;
        client.send(JSON.stringify(response));
      },
      // A handler that rejects through an error filter that rethrows: logged, and later frames still served.
      error: (error: unknown) => {
        this.options.logger.error({ err: error, event: frame.event, ...client.logScope }, 'WebSocket handler failed');
      },
    });
  }

  private receive(client: GatewaySocket, receiver: FrameReceiver, event: string, data: unknown): void {
    const failed = (error: unknown) => this.options.logger.error({ err: error, event, ...client.logScope }, 'WebSocket handler failed');
    try {
      void Promise.resolve(receiver.receiveFrame(client, event, data)).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /** The gateway answers a refused frame in its protocol, and closes the socket after it when told to. */
  private refuse(client: GatewaySocket, bound: SocketHandlers | FrameReceiver, refused: RefusedFrame): void {
    if (!('handlers' in bound)) {
      this.receive(client, bound, WS_REFUSED_FRAME, refused);
      return;
    }
    const handler = bound.handlers.find((candidate) => candidate.message === WS_REFUSED_FRAME);
    try {
      if (handler) bound.transform(handler.callback(refused, WS_REFUSED_FRAME));
      else if (refused.close) client.close(refused.close.code, refused.close.reason);
    } catch (error) {
      this.options.logger.error({ err: error, ...client.logScope }, 'WebSocket refusal failed');
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
    this.heartbeat.stop();
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
    socket.on('error', destroyOnError);
    const requestId = requestIdOf(req);
    const url = new URL(req.url ?? '/', 'ws://gateway.invalid');
    const logged = { requestId, url: redactUrl(req.url) };
    try {
      this.refuseWhileDraining();
      const token = await this.options.handshake.authenticate(req, url);
      const { user } = token;
      const found = this.route(url.pathname);
      if (!found) throw new NotFoundException(`No WebSocket endpoint at ${url.pathname}`);
      const responseHeaders = { [DEADLINE_HEADER]: new Date(token.acceptedUntil).toISOString() };
      const connection = { user, params: found.params, query: url.searchParams, path: url.pathname, requestId, responseHeaders };
      // Resolved once per route: Nest's lookup of a provider through the application context was 5% of an open.
      if (found.route.check) await (found.route.checker ??= this.app.get(found.route.check, { strict: false })).check(connection);
      // The checks above wait on I/O; the drain may have begun meanwhile.
      this.refuseWhileDraining();
      attachConnection(req, connection);
      const share = this.options.quotas.admit(user.sub);
      let upgraded = false;
      found.route.server.handleUpgrade(req, socket, head, (ws) => {
        upgraded = true;
        // The socket now has ws's own error handling.
        socket.off('error', destroyOnError);
        (ws as GatewaySocket).share = share;
        if (found.route.frames) (ws as GatewaySocket).receiver = found.route.receiver ??= this.app.get(found.route.frames, { strict: false });
        // One listener for everything a close undoes; `ws` emits `close` once, so `on` spares a once-wrapper.
        ws.on('close', this.onClose);
        (ws as GatewaySocket).transport = socket as Socket;
        this.lease.start(ws as GatewaySocket, token);
        const fields = { ...logged, sub: user.sub, protocol: found.route.protocol };
        this.connectionLog.trace(ws as GatewaySocket, fields, () => this.open(found.route, ws as GatewaySocket, req));
      });
      // ws completes or refuses an upgrade synchronously here: a refused one never held its share.
      if (!upgraded) this.options.quotas.release(share);
    } catch (error) {
      const refusal = toHttpError(error);
      this.options.metrics.refused('ws', refusal.body.code);
      // Refusals are routine (expired tokens, probes, a drain); only a server fault deserves the stack.
      if (refusal.status >= 500 && !(error instanceof ServerError)) this.options.logger.error({ ...logged, err: error, status: refusal.status }, 'WebSocket upgrade refused');
      else this.options.logger.info({ ...logged, status: refusal.status, code: refusal.body.code }, 'WebSocket upgrade refused');
      rejectUpgrade(socket, refusal, requestId);
    }
  }

  /** The server's `connection` listeners (metrics, errors, Nest's streams), then a frame receiver's own hooks. */
  private open(route: Route, ws: GatewaySocket, req: IncomingMessage): void {
    route.server.emit('connection', ws, req);
    const receiver = route.receiver;
    if (!receiver) return;
    ws.on('message', this.onMessage);
    try {
      receiver.handleConnection?.(ws, req);
    } catch (error) {
      this.options.logger.error({ err: error, ...ws.logScope }, 'WebSocket connection handler failed');
      ws.close(1011, 'the connection could not be set up');
    }
  }

  /**
   * Everything a socket's close undoes, in the order it was set up: its quota share, its token's timer, the close
   * line, the gauge, then a frame receiver's disconnect hook. One listener shared by every socket: a listener each
   * made an array of them per socket.
   */
  private closed(socket: GatewaySocket, code: number): void {
    if (socket.share) this.options.quotas.release(socket.share);
    this.lease.stop(socket);
    this.connectionLog.closed(socket, code);
    if (socket.connection) this.options.metrics.disconnected(socket.connection.protocol);
    const receiver = socket.receiver;
    if (!receiver?.handleDisconnect) return;
    const failed = (error: unknown) => this.options.logger.error({ err: error, ...socket.logScope }, 'WebSocket disconnect handler failed');
    try {
      void Promise.resolve(receiver.handleDisconnect(socket)).catch(failed);
    } catch (error) {
      failed(error);
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
          const params: Record<string, string> = {};
          for (const [name, value] of Object.entries(result.params)) params[name] = Array.isArray(value) ? value.join('/') : value;
          return { route, params };
        }
      } catch {
        // A malformed percent-escape in the path cannot match any gateway.
      }
    }
    return null;
  }
}
