import type { Bindings } from 'pino';
import { WebSocket } from 'ws';
import { runInLogScope } from '../logging/log-context';
import type { ConnectionLogFields } from './connection-log';

/**
 * The socket class every gateway server creates. What each connection needs to remember (its log scope, when
 * it opened, whether it answered the last ping) lives in fields here, so the handlers that read it are shared
 * by all sockets instead of closures allocated per connection.
 */
export class GatewaySocket extends WebSocket {
  /** The request id, once the upgrade succeeded; every event the socket emits runs in this log scope. */
  logScope: Bindings | null = null;
  /** What the open and close lines say about the socket. */
  connection: ConnectionLogFields | null = null;
  openedAt = 0;
  /** False once pinged, true again on the pong: a socket still false at the next ping has vanished. */
  alive = true;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const scope = this.logScope;
    return scope ? runInLogScope(scope, () => super.emit(event, ...args)) : super.emit(event, ...args);
  }
}
