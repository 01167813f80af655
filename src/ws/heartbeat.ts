import type { WebSocketServer } from 'ws';
import type { GatewaySocket } from './gateway-socket';

/** A beat later than this many intervals found the event loop blocked: the peers had no fair chance to answer. */
const LATE = 1.5;

/** Bytes the kernel has taken from the socket: written minus what still waits in the process. */
function flushed(socket: GatewaySocket): number {
  return socket.transport.bytesWritten - socket.transport.writableLength;
}

/**
 * Since the last beat, the peer sent something (a pong, or any frame: a peer busy sending answers the ping late,
 * behind its frames), or it took our backlog (a peer busy reading gets the ping late, behind our frames). A backlog
 * counts only when one waited in the process: then the kernel's buffer was full, and it drains only as the peer reads.
 */
function showedLife(socket: GatewaySocket): boolean {
  return socket.transport.bytesRead > socket.readMark || (socket.backlogged && flushed(socket) > socket.flushedMark);
}

function mark(socket: GatewaySocket): void {
  socket.readMark = socket.transport.bytesRead;
  socket.flushedMark = flushed(socket);
  socket.backlogged = socket.transport.writableLength > 0;
}

/**
 * Pings every client of every gateway each interval, on one timer, and terminates a peer that showed no life for
 * a whole interval, so one that vanished without a close frame (a dropped network) does not hold its socket
 * forever. Reading the counters of the TCP socket costs nothing per frame. A busy event loop must not pass for
 * silent peers: peers are judged after the loop has read what arrived (in setImmediate, after the poll phase),
 * and a beat that came late judges nobody.
 */
export class Heartbeat {
  private readonly servers = new Set<WebSocketServer>();
  private timer: NodeJS.Timeout | null = null;
  private judging: NodeJS.Immediate | null = null;
  private lastBeat = 0;

  constructor(private readonly intervalMs: number) {}

  watch(server: WebSocketServer): void {
    server.on('close', () => this.unwatch(server));
    this.servers.add(server);
    if (!this.timer) {
      this.lastBeat = Date.now();
      this.timer = setInterval(() => this.beat(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    this.servers.clear();
    if (this.timer) clearInterval(this.timer);
    if (this.judging) clearImmediate(this.judging);
    this.timer = null;
    this.judging = null;
  }

  private unwatch(server: WebSocketServer): void {
    this.servers.delete(server);
    if (this.servers.size === 0) this.stop();
  }

  private beat(): void {
    const now = Date.now();
    const onTime = now - this.lastBeat <= this.intervalMs * LATE;
    this.lastBeat = now;
    if (this.judging) return;
    this.judging = setImmediate(() => {
      this.judging = null;
      this.judge(onTime);
    });
    this.judging.unref();
  }

  private judge(onTime: boolean): void {
    for (const server of this.servers) {
      for (const socket of server.clients as Set<GatewaySocket>) {
        if (onTime && !showedLife(socket)) {
          socket.terminate();
          continue;
        }
        mark(socket);
        socket.ping();
      }
    }
  }
}
