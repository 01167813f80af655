import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { GatewaySocket } from './gateway-socket';

export interface ConnectionLogFields {
  requestId: string;
  /** The upgrade URL, access token redacted. */
  url: string | undefined;
  sub: string;
  /** `chat`, `interact` or `interactive`: which wire protocol the socket speaks. */
  protocol: string;
}

/**
 * One line when a socket opens and one when it closes (with its code and how long it lived), and the socket's
 * request id on every line its handlers log. `ws` delivers frames and the close through its own `emit`, outside
 * the async context of the upgrade, so GatewaySocket re-enters its events into the socket's log scope.
 */
export class ConnectionLog {
  /** One close listener for every socket (ws emits `close` once): what differs per socket is read from it. */
  private readonly closed: (this: WebSocket, code: number) => void;

  constructor(private readonly logger: Logger) {
    this.closed = function (this: WebSocket, code: number) {
      const socket = this as GatewaySocket;
      logger.info({ ...socket.connection, code, durationMs: Date.now() - socket.openedAt }, 'WebSocket closed');
    };
  }

  trace(socket: GatewaySocket, fields: ConnectionLogFields, open: () => void): void {
    socket.openedAt = Date.now();
    socket.connection = fields;
    socket.on('close', this.closed);
    this.logger.info(fields, 'WebSocket opened');
    open();
  }
}
