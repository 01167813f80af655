import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { runInLogScope } from '../logging/log-context';

export interface ConnectionLogFields {
  requestId: string;
  sub: string;
  /** `chat`, `interact` or `interactive`: which wire protocol the socket speaks. */
  protocol: string;
}

/**
 * One line when a socket opens and one when it closes (with its code and how long it lived), and the socket's
 * request id on every line its handlers log. `ws` delivers frames and the close through its own `emit`, outside
 * the async context of the upgrade, so the socket's events are re-entered into the socket's log scope here.
 */
export function traceConnection(socket: WebSocket, log: Logger, fields: ConnectionLogFields, open: () => void): void {
  const openedAt = Date.now();
  const emit = socket.emit.bind(socket);
  socket.emit = (event: string | symbol, ...args: unknown[]) => runInLogScope({ requestId: fields.requestId }, () => emit(event, ...args));
  socket.once('close', (code: number) => log.info({ sub: fields.sub, protocol: fields.protocol, code, durationMs: Date.now() - openedAt }, 'WebSocket closed'));
  log.info({ sub: fields.sub, protocol: fields.protocol }, 'WebSocket opened');
  runInLogScope({ requestId: fields.requestId }, open);
}
