import { retrying } from '../common/retrying';
import type { LogEvent } from '../history/chat-log';

export interface LogListener {
  /** Every event after the starting point, once, in seq order. */
  event(event: LogEvent): void;
  /** Earlier events of the run in flight at the starting point, so a translator can pick up its state. */
  context?(event: LogEvent): void;
  /** Null while the client keeps up; otherwise resolves when it has: a replay from the log waits for it. */
  drained?(): Promise<void> | null;
}

export interface LogSource {
  readAfter(chatId: string, afterSeq: number): Promise<LogEvent[]>;
}

const PAGE = 500;

/**
 * Delivers a chat's events after a seq: first what the log holds, then the live ones, with no gap and no
 * duplicate. Live events that arrive while it reads are held back and merged by seq; a live event that
 * skips a seq (a lost pub/sub message) makes it read the log again from where it is.
 */
export class LogFollower {
  private held: LogEvent[] | null = [];
  private ended = false;
  /** Made when something waits on the stop (a retried read): an idle follower keeps no controller. */
  private gone: AbortController | null = null;
  private unsubscribe: () => void = () => undefined;

  constructor(
    readonly chatId: string,
    private last: number,
    private readonly source: LogSource,
    private readonly listener: LogListener,
  ) {}

  get position(): number {
    return this.last;
  }

  /** Aborted once the follower is stopped. */
  get stopped(): AbortSignal {
    this.gone ??= new AbortController();
    if (this.ended) this.gone.abort('follower stopped');
    return this.gone.signal;
  }

  /** The bus subscription to end on `stop()`; one that came after the stop (the client left meanwhile) ends at once. */
  attach(unsubscribe: () => void): void {
    if (this.ended) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  /** Called by the bus for each published event. */
  live(event: LogEvent): void {
    if (this.ended || event.seq <= this.last) return;
    if (this.held) {
      this.held.push(event);
      return;
    }
    if (event.seq === this.last + 1) {
      this.deliver(event);
      return;
    }
    this.held = [event];
    // Until this read succeeds every live event is held back: a read that failed (Redis or the database
    // briefly gone, typically just as pub/sub came back after a cut) is tried again, or the socket would
    // stay silent for good.
    void retrying(() => this.catchUp(), this.stopped).catch(() => undefined);
  }

  /**
   * Starts after `seq`, the chat's newest when the subscription was already in place: every later event is among
   * the live ones held back, so the log is read only when they skip a seq (a lost pub/sub message).
   */
  async startAt(seq: number): Promise<void> {
    // Tried again after a failed read, it keeps what that read delivered.
    this.last = Math.max(this.last, seq);
    const from = this.last;
    const held = (this.held ?? []).filter((event) => event.seq > from).sort((a, b) => a.seq - b.seq);
    if (held.some((event, index) => event.seq !== from + 1 + index)) {
      this.held = held;
      await this.catchUp();
      return;
    }
    this.held = null;
    for (const event of held) this.deliver(event);
  }

  /** Reads the log until it has caught up with the live events held back, then streams them. */
  async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.source.readAfter(this.chatId, this.last);
      for (const event of page) {
        if (event.seq <= this.last) continue;
        this.deliver(event);
        // Read as fast as the database answers, a long replay would otherwise pile up in the socket's buffer.
        const behind = this.listener.drained?.();
        if (behind) await behind;
      }
      if (page.length < PAGE || this.ended) break;
    }
    const held = (this.held ?? []).sort((a, b) => a.seq - b.seq);
    this.held = null;
    // Whatever the log could not supply (a crashed writer's last deltas) is skipped, not waited for.
    for (const event of held) if (event.seq > this.last) this.deliver(event);
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.gone?.abort('follower stopped');
    this.unsubscribe();
  }

  private deliver(event: LogEvent): void {
    if (this.ended) return;
    this.last = event.seq;
    this.listener.event(event);
  }
}

export const FOLLOW_PAGE = PAGE;
