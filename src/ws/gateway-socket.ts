import type { Socket } from 'node:net';
import type { Bindings } from 'pino';
import type { SocketShare } from '../quota/socket-quotas';
import { WebSocket } from 'ws';
import type { ConnectionLogFields } from './connection-log';
import type { FrameReceiver } from './frame-receiver';

/**
 * The socket class every gateway server creates. What each connection needs to remember (its log scope, when
 * it opened, what the heartbeat saw of it, until when its token holds) lives in fields here, so the handlers
 * that read it are shared by all sockets instead of closures allocated per connection.
 */
export class GatewaySocket extends WebSocket {
  /** What the open and close lines say about the socket. */
  connection: ConnectionLogFields | null = null;
  openedAt = 0;
  /** The TCP socket underneath, set as the upgrade completes (before any heartbeat sees the socket). */
  transport!: Socket;
  /** At the last heartbeat: bytes read, bytes flushed to the kernel, and whether more waited in the process. */
  readMark = 0;
  flushedMark = 0;
  backlogged = false;
  /** The user of the token that opened the socket: a renewal must name the same one. */
  sub = '';
  /** Epoch ms: the socket is closed then, unless a fresh token moves it (the token's exp plus the clock tolerance). */
  deadline = 0;
  /** The socket's part of its user's quotas (frame rate, socket count); set as the upgrade completes. */
  share: SocketShare | null = null;
  /** The gateway, when it takes its frames itself rather than through `@SubscribeMessage` handlers. */
  receiver: FrameReceiver | null = null;
  /** The token's lease ended: nothing the socket sends is handled any more (its close still reaches the gateway). */
  revoked = false;

  /** The request id, once the upgrade succeeded, for the lines logged about the socket (made when one is logged). */
  get logScope(): Bindings | null {
    return this.connection && { requestId: this.connection.requestId };
  }
}
