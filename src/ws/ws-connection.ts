import type { IncomingMessage } from 'node:http';
import type { AuthUser } from '../auth/auth-user';

/** What the upgrade established about a connection, handed to the gateway with the socket. */
export interface WsConnection {
  user: AuthUser;
  /** Parameters of the gateway path pattern, e.g. `{ chatId }` for `/chat/:chatId`. */
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
  requestId: string;
  /** Headers an upgrade check adds to the 101 response (e.g. a generated session id). */
  responseHeaders?: Record<string, string>;
}

const connections = new WeakMap<IncomingMessage, WsConnection>();

export function attachConnection(request: IncomingMessage, connection: WsConnection): void {
  connections.set(request, connection);
}

/** The connection a gateway's `handleConnection(client, request)` receives; only upgrades that passed auth have one. */
export function connectionOf(request: IncomingMessage): WsConnection {
  const connection = connections.get(request);
  if (!connection) throw new Error('No authenticated WebSocket connection is attached to this request');
  return connection;
}
