import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/**
 * A gateway that takes every frame of its sockets through one method, named in its options
 * (`@WebSocketGateway({ path, frames: TheGateway })`), instead of `@SubscribeMessage` handlers. Nest binds each
 * such handler to each socket as it opens (a bound function and a record per handler per socket, plus an rxjs
 * pipeline per frame); a receiver costs a socket nothing and a frame one call. `event` is the frame's `type`, or
 * one of the adapter's own events (WS_UNTYPED_FRAME, WS_INVALID_FRAME, WS_REFUSED_FRAME); a type the protocol does
 * not know is the receiver's to refuse. A rejection is logged under the socket's request id.
 *
 * Its `handleConnection` and `handleDisconnect` are called by the adapter too, not through Nest's connection
 * streams (an rxjs pipeline per open and a close listener per socket): same arguments, same order (connection
 * before the first frame, disconnect once after the close).
 */
export interface FrameReceiver {
  receiveFrame(client: WebSocket, event: string, data: unknown): void | Promise<void>;
  handleConnection?(client: WebSocket, request: IncomingMessage): void;
  handleDisconnect?(client: WebSocket): void | Promise<void>;
}
