import type { AppConfig } from '../config/app-config';
import type { StreamGate, StreamPressure } from './stream-pressure';

/** What the guard needs of a socket: the `ws` WebSocket's public API. */
export interface GuardedSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  close(code: number, reason: string): void;
}

const OPEN = 1;
/** Try again later: the client read too slowly; what it missed is in the log (reconnect with `after`). */
export const CLOSE_TOO_SLOW = { code: 1013, reason: 'client too slow' } as const;
// How often a socket that is behind is looked at; nothing polls while it keeps up.
const POLL_MS = 20;
// Behind by this many high-water marks (not counting the frame just sent) the socket is dropped at once: the
// bound on what a socket that pauses nothing (its chat runs on another instance) can hold in memory.
const HARD_LIMIT_MARKS = 16;

/**
 * Backpressure for one socket. After each send it compares the socket's `bufferedAmount` with
 * WS_SEND_HIGH_WATER_BYTES (one getter, one comparison). Past it the socket is *behind*: it holds back the runs of
 * every chat it follows here (their gates) whenever it is over the mark, letting them go at half of it, so the
 * runs move at its pace. It stays behind until it has caught up completely (nothing left to send); behind for
 * longer than WS_SLOW_CLIENT_GRACE_MS it is closed with 1013 and lets go, so one slow client slows a chat for
 * everyone for at most that long. The run goes on into the log, which a reconnect with `after` replays.
 */
export class SlowClientGuard {
  // An array, not a Set: a socket follows one chat or a few, and thousands of idle sockets each keep one.
  private gates: StreamGate[] = [];
  private poll: NodeJS.Timeout | null = null;
  private behindSince = 0;
  private holding = false;
  private caughtUp: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  private readonly hardLimit: number;

  constructor(
    private readonly socket: GuardedSocket,
    private readonly pressure: StreamPressure,
    private readonly settings: AppConfig['backpressure'],
  ) {
    this.hardLimit = settings.highWaterBytes * HARD_LIMIT_MARKS;
  }

  /** The socket now receives `chatId`'s events: while behind, it holds that chat's runs here too. */
  follow(chatId: string): void {
    const gate = this.pressure.acquire(chatId);
    this.gates.push(gate);
    if (this.holding) gate.hold(this);
  }

  /** After a frame of `length` characters was sent. */
  sent(length: number): void {
    const buffered = this.socket.bufferedAmount;
    if (buffered <= this.settings.highWaterBytes) return;
    if (this.poll === null) this.fallBehind();
    if (!this.holding) this.hold();
    else if (buffered - length > this.hardLimit) this.drop();
  }

  /**
   * Null unless the socket is behind; then resolves once it has caught up completely, or was dropped. A replay
   * from the log waits on it, so a long replay goes out in bursts and never counts against the grace.
   */
  drained(): Promise<void> | null {
    return this.caughtUp;
  }

  /** The socket is gone: it holds nothing any more. */
  dispose(): void {
    this.catchUp();
    for (const gate of this.gates) this.pressure.release(gate);
    this.gates = [];
  }

  private fallBehind(): void {
    this.behindSince = Date.now();
    this.caughtUp = new Promise((resolve) => (this.resume = resolve));
    this.poll = setInterval(() => this.check(), POLL_MS);
  }

  private hold(): void {
    this.holding = true;
    for (const gate of this.gates) gate.hold(this);
  }

  private letGo(): void {
    if (!this.holding) return;
    this.holding = false;
    for (const gate of this.gates) gate.release(this);
  }

  private check(): void {
    const buffered = this.socket.readyState === OPEN ? this.socket.bufferedAmount : 0;
    if (buffered === 0) this.catchUp();
    else if (Date.now() - this.behindSince > this.settings.graceMs) this.drop();
    else if (buffered <= this.settings.highWaterBytes / 2) this.letGo();
  }

  private drop(): void {
    this.catchUp();
    // The close frame queues behind what is buffered; `ws` destroys the socket if the client never reads it.
    this.socket.close(CLOSE_TOO_SLOW.code, CLOSE_TOO_SLOW.reason);
  }

  private catchUp(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.letGo();
    this.caughtUp = null;
    this.resume?.();
    this.resume = null;
  }
}
