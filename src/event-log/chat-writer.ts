import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { ChatBus, ChatLease, ControlRequest } from '../coordination/coordination';
import type { LogEvent, NewLogEvent } from '../history/chat-log';
import type { ConversationStatus } from '../history/chat.entity';
import type { HistoryRepository } from '../history/history.repository';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { EventLogError, EventLogErrorCode } from './event-log.error';
import { asLogEvent, toWire } from './wire';

export type WriterRequestHandler = (request: ControlRequest) => Promise<unknown>;

// Deltas wait at most this long, or for this many siblings, before they are stored together, so that a write's
// own cost (a commit) is shared by many tokens even on a slow stream. Nothing a finished turn needs waits on it
// (its end is stored with everything before it), and with Redis a writer's successor stores what it published.
const DELTA_FLUSH_MS = 500;
const DELTA_BATCH = 256;
/**
 * How far past the stored log a successor numbers when it takes over from a writer that died. Without a shared bus
 * (one instance, memory) the dead writer's streamed-but-unstored tail, at most a batch or two while a flush was in
 * flight, is gone, but clients saw its seqs: reusing them would hide what comes next from a reconnect with `after`.
 */
const TAKEOVER_SEQ_GAP = 4 * DELTA_BATCH;
/**
 * When the end of a failed turn is tried (see `appendLastWord`): at once, as a connection killed under a write leaves
 * the pool's fresh ones working (a dead idle one may still be handed out first), then twice more, well within a lock
 * TTL. Past that the database is down, and the recovery sweep records the end once it is back.
 */
const LAST_WORD_DELAYS_MS = [0, 250, 1000];

interface LoggedEvent {
  event: LogEvent;
  /** Published only once stored (everything but token deltas and start markers). */
  durable: boolean;
}

interface PendingAppend {
  events: LogEvent[];
  activeRun: string | null | undefined;
  calledAt: number;
  resolve: (events: LogEvent[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The one writer of a chat's log while it holds the chat's lease. Events are numbered when called, in
 * call order, and published in that order: `append`ed ones once stored (durable before anyone sees
 * them), `stream`ed ones (token deltas) at once, stored with the next batch. Appends made within one
 * tick of the event loop are stored together in one write (group commit): a turn's tool call, its
 * result and its step's end cost one write, not three.
 */
export class ChatWriter {
  private readonly logger = new Logger('ChatWriter');
  private readonly failure = new AbortController();
  /** Aborted when this writer must stop: its lease was lost or storage failed. */
  readonly signal: AbortSignal;
  private readonly handlers = new Map<string, WriterRequestHandler>();
  /** Numbered, not stored yet, in seq order. */
  private unstored: LogEvent[] = [];
  /** Numbered, not published yet, in seq order: the first one waits for its storage. */
  private readonly unpublished: LoggedEvent[] = [];
  private appends: PendingAppend[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private flushScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  stopServing: () => void = () => undefined;

  constructor(
    private readonly lease: ChatLease,
    private lastSeq: number,
    private durableSeq: number,
    private readonly repository: HistoryRepository,
    private readonly bus: ChatBus,
    private readonly metrics: GatewayMetrics,
    private openingStatus?: ConversationStatus,
  ) {
    this.signal = AbortSignal.any([lease.lost, this.failure.signal]);
    this.handle('append', (request) => this.append(request.events as NewLogEvent[]).then((events) => events.map(toWire)));
  }

  /** Numbers what comes next past any seq the previous, dead writer may have sent and not stored (a gap is harmless). */
  skipUnstoredTail(): void {
    this.lastSeq += TAKEOVER_SEQ_GAP;
  }

  get chatId(): string {
    return this.lease.chatId;
  }

  /**
   * The chat's status as the lease's fence read it, once: a turn that starts as the writer opens needs nothing newer
   * (a status read of its own would be just as old by the time the turn acts on it); later turns read it again, and
   * work that may last before the first turn (a resumed run) takes it to throw it away.
   */
  takeOpeningStatus(): ConversationStatus | undefined {
    const status = this.openingStatus;
    this.openingStatus = undefined;
    return status;
  }

  /** Answers `kind` requests that other instances send to whoever holds this chat. */
  handle(kind: string, handler: WriterRequestHandler): void {
    this.handlers.set(kind, handler);
  }

  serve(request: ControlRequest): Promise<unknown> {
    const handler = this.handlers.get(request.kind);
    return handler ? handler(request) : Promise.resolve(undefined);
  }

  /**
   * Stores the events (with everything numbered before them), then publishes them; resolves once they
   * are published. `activeRun` marks the run in flight in the same write (a string), clears it (null)
   * or leaves it (undefined).
   */
  append(events: NewLogEvent[], activeRun?: string | null): Promise<LogEvent[]> {
    if (this.signal.aborted) return Promise.reject(this.lostError());
    const numbered = events.map((event) => this.number(event, true));
    return new Promise((resolve, reject) => {
      this.appends.push({ events: numbered, activeRun, calledAt: performance.now(), resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // The rest of this tick's appends join the same write.
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush().catch(() => undefined);
      });
    });
  }

  /**
   * Like `append`, for a caller that does not wait: a failure to store stops the writer (its `signal`),
   * which is how the run producing the events learns of it.
   */
  appendLater(events: NewLogEvent[]): void {
    this.append(events).catch(() => undefined);
  }

  /** Publishes now (after what was numbered before it) and stores within DELTA_FLUSH_MS: for token deltas, which a crash may lose. */
  stream(event: NewLogEvent): void {
    if (this.signal.aborted) return;
    this.number(event, false);
    this.publishReady();
    if (this.unstored.length >= DELTA_BATCH) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), DELTA_FLUSH_MS);
  }

  /**
   * The end of a turn that failed on storage (one of its writes or reads): stops the writer, if the failed write has
   * not, and stores `events` itself, then publishes them, trying a few times. The lease is still ours (only a
   * connection died), so the fence it holds still admits the write; the lane then gives the chat up, and the next turn
   * opens a fresh writer. `whileActive`, when given, is the run the log marked active: if the marker is gone, a write
   * that seemed to fail did store the run's end, and nothing more is added (a message has one end). True once the end
   * is stored; false when the lease is lost or the database stays down, and then whoever takes the chat over records
   * the end (`run.interrupted`), the only one, since nothing of this one was published.
   */
  async appendLastWord(events: NewLogEvent[], activeRun: string | null | undefined, whileActive?: string): Promise<boolean> {
    if (!this.failure.signal.aborted) this.failure.abort(this.lostError());
    if (this.timer) clearTimeout(this.timer);
    // No write may run beside this one: the one that failed, and those queued behind it (refused now), finish first.
    await this.chain;
    let mine: LogEvent[] = [];
    for (const delay of LAST_WORD_DELAYS_MS) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.lease.lost.aborted) return false;
      try {
        this.settleFailedWrites(await this.repository.lastSeq(this.chatId));
        // An earlier attempt's write was stored after all (only its answer was lost).
        if (mine.length > 0 && mine.at(-1)!.seq <= this.durableSeq) return true;
        if (whileActive !== undefined && (await this.repository.activeRun(this.chatId)) !== whileActive) return true;
        mine = events.map((event) => this.number(event, true));
        // Stored right here, not by a flush (which the stopped writer refuses).
        this.unstored = [];
        if (!(await this.repository.write(this.chatId, this.lease.fence, mine, activeRun))) return false;
        this.durableSeq = mine.at(-1)?.seq ?? this.durableSeq;
        this.publishReady();
        return true;
      } catch (error) {
        this.logger.warn(`chat ${this.chatId}: the end of a failed turn could not be stored: ${String(error)}`);
      }
    }
    return false;
  }

  /** Stores what is numbered, stops answering requests and gives the chat up. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush().catch((error: unknown) => this.logger.warn(`chat ${this.chatId}: ${String(error)}`));
      if (this.timer) clearTimeout(this.timer);
      this.stopServing();
      await this.bus.settle(this.chatId, this.durableSeq).catch(() => undefined);
      await this.lease.release();
    })();
    return this.closing;
  }

  private number(event: NewLogEvent, durable: boolean): LogEvent {
    this.lastSeq += 1;
    const logged = asLogEvent({ chatId: this.chatId, seq: this.lastSeq, runId: event.runId, type: event.type, payload: event.payload, createdAt: new Date() });
    this.unstored.push(logged);
    this.unpublished.push({ event: logged, durable });
    return logged;
  }

  /** Publishes, in seq order, every event that may be seen: up to the first durable one not stored yet. */
  private publishReady(): void {
    let published = 0;
    for (const next of this.unpublished) {
      if (next.durable && next.event.seq > this.durableSeq) break;
      this.bus.publish(toWire(next.event), this.durableSeq);
      published += 1;
    }
    if (published > 0) this.unpublished.splice(0, published);
  }

  /**
   * After writes failed, with `stored` the log's last stored seq: publishes what they stored after all, and forgets
   * the rest, which nobody saw (an event waiting for its storage holds back everything after it). What comes next is
   * numbered right after the last seq a client may have seen: no seq is used twice, and none is skipped that a client
   * never saw. Deltas that were published and never stored are the one gap, as after a crash; a follower that meets
   * it reads the log and moves on.
   */
  private settleFailedWrites(stored: number): void {
    this.durableSeq = Math.max(this.durableSeq, stored);
    this.unstored = [];
    this.publishReady();
    const unseen = this.unpublished.splice(0);
    if (unseen.length > 0) this.lastSeq = unseen[0]!.event.seq - 1;
  }

  /** One write of everything numbered so far, one at a time in call order. */
  private flush(): Promise<void> {
    const run = this.chain.then(() => this.storeNumbered());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async storeNumbered(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.unstored;
    const appends = this.appends;
    if (events.length === 0 && appends.length === 0) return;
    this.unstored = [];
    this.appends = [];
    // The last word on the run in flight wins: the appends of one write happened in this order.
    let activeRun: string | null | undefined;
    for (const append of appends) if (append.activeRun !== undefined) activeRun = append.activeRun;
    try {
      await this.store(events, activeRun);
    } catch (error) {
      for (const append of appends) append.reject(error);
      throw error;
    }
    this.publishReady();
    const now = performance.now();
    for (const append of appends) {
      // From the call: time spent waiting behind earlier writes is latency the caller sees.
      this.metrics.logAppended((now - append.calledAt) / 1000);
      append.resolve(append.events);
    }
  }

  private async store(events: LogEvent[], activeRun?: string | null): Promise<void> {
    if (this.signal.aborted) throw this.lostError();
    try {
      if (!(await this.repository.write(this.chatId, this.lease.fence, events, activeRun))) {
        throw new EventLogError(EventLogErrorCode.WriterLost, `A newer writer took chat ${this.chatId} over`);
      }
    } catch (error) {
      this.failure.abort(error);
      throw error;
    }
    if (events.length === 0) return;
    this.durableSeq = events.at(-1)!.seq;
    this.metrics.logStored((Date.now() - events[0]!.createdAt.getTime()) / 1000);
  }

  private lostError(): EventLogError {
    return new EventLogError(EventLogErrorCode.WriterLost, `The writer of chat ${this.chatId} stopped`);
  }
}
