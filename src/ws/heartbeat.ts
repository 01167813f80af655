import type { WebSocket, WebSocketServer } from 'ws';

const alive = new WeakSet<WebSocket>();

/**
 * Pings every client each interval; one that has not answered the previous ping is terminated, so a
 * peer that vanished without a close frame (a dropped network) does not hold its socket forever.
 */
export function startHeartbeat(server: WebSocketServer, intervalMs: number): void {
  server.on('connection', (socket: WebSocket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  server.on('close', () => clearInterval(timer));
}
