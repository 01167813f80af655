import type { Logger } from 'pino';
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
 * One line when a socket opens and one when it closes (with its code and how long it lived). The fields stay on the
 * socket, so the adapter's other lines about it (a handler's error, a failed renewal) name its request id too.
 */
export class ConnectionLog {
  constructor(private readonly logger: Logger) {}

  trace(socket: GatewaySocket, fields: ConnectionLogFields, open: () => void): void {
    socket.openedAt = Date.now();
    socket.connection = fields;
    this.logger.info(fields, 'WebSocket opened');
    open();
  }

  /** Called by the adapter's one close listener (ws emits `close` once). */
  closed(socket: GatewaySocket, code: number): void {
    if (!socket.connection || !this.logger.isLevelEnabled('info')) return;
    this.logger.info({ ...socket.connection, code, durationMs: Date.now() - socket.openedAt }, 'WebSocket closed');
  }
}
