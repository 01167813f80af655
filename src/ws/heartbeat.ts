import type { WebSocket, WebSocketServer } from 'ws';
import type { GatewaySocket } from './gateway-socket';

function answered(this: WebSocket): void {
  (this as GatewaySocket).alive = true;
}

/**
 * Pings every client of every gateway each interval, on one timer; one that has not answered the previous ping is
 * terminated, so a peer that vanished without a close frame (a dropped network) does not hold its socket forever.
 */
export class Heartbeat {
  private readonly servers = new Set<WebSocketServer>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  watch(server: WebSocketServer): void {
    server.on('connection', (socket: GatewaySocket) => socket.on('pong', answered));
    server.on('close', () => this.unwatch(server));
    this.servers.add(server);
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    this.servers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private unwatch(server: WebSocketServer): void {
    this.servers.delete(server);
    if (this.servers.size === 0) this.stop();
  }

  private beat(): void {
    for (const server of this.servers) {
      for (const socket of server.clients as Set<GatewaySocket>) {
        if (!socket.alive) {
          socket.terminate();
          continue;
        }
        socket.alive = false;
        socket.ping();
      }
    }
  }
}
