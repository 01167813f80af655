import { Injectable, Logger } from '@nestjs/common';
import { retrying } from '../common/retrying';
import { ChatBus, ChatControl, ChatLocks, type WireEvent } from '../coordination/coordination';
import type { LogEvent, NewLogEvent } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ChatWriter } from './chat-writer';
import { EventLogError, EventLogErrorCode } from './event-log.error';
import { FOLLOW_PAGE, LogFollower, type LogListener } from './log-follower';
import { asLogEvent, fromWire } from './wire';

// A request to the holder of a chat waits this long before the caller tries to take the chat itself.
const FORWARD_TIMEOUT_MS = 5000;
const APPEND_ATTEMPTS = 20;
// A run's deltas and events, read back to restore a translator's state mid-run.
const MAX_RUN_CONTEXT = 20000;

/**
 * The chat event log, the one source of truth for what clients see: appended through a chat's single
 * writer (numbered, stored, then published), read back from storage plus the recent tail, and followed
 * live from any seq on any instance.
 */
@Injectable()
export class EventLog {
  private readonly logger = new Logger('EventLog');
  private readonly releaseListeners: Array<(chatId: string) => void> = [];

  constructor(
    private readonly repository: HistoryRepository,
    private readonly locks: ChatLocks,
    private readonly bus: ChatBus,
    private readonly control: ChatControl,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** The chat's writer when nobody else holds it; null when another writer does (here or elsewhere). */
  async open(chatId: string): Promise<ChatWriter | null> {
    const lease = await this.locks.tryAcquire(chatId);
    if (!lease) return null;
    try {
      const fenced = await this.repository.fence(chatId, lease.fence);
      if (fenced === null) throw new EventLogError(EventLogErrorCode.WriterLost, `Chat ${chatId} does not exist, or a newer writer holds it`);
      // A writer that died may have published events it never stored: clients saw them, so store them now.
      const orphans = (await this.bus.tail(chatId, fenced.lastSeq)).map(fromWire);
      if (!(await this.repository.write(chatId, lease.fence, orphans))) {
        throw new EventLogError(EventLogErrorCode.WriterLost, `A newer writer took chat ${chatId} over`);
      }
      const durable = orphans.at(-1)?.seq ?? fenced.lastSeq;
      const writer = new ChatWriter(lease, durable, durable, this.repository, this.bus, this.metrics, fenced.status);
      writer.stopServing = await this.control.serve(chatId, (request) => writer.serve(request));
      const close = writer.close.bind(writer);
      writer.close = () => close().then(() => this.releaseListeners.forEach((listener) => listener(chatId)));
      return writer;
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** Called after any writer of this instance gave a chat up (so waiting work can be picked up). */
  onRelease(listener: (chatId: string) => void): void {
    this.releaseListeners.push(listener);
  }

  /** Appends from anywhere: directly when the chat is free, else through the instance that holds it. */
  async append(chatId: string, events: NewLogEvent[]): Promise<LogEvent[]> {
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt += 1) {
      const writer = await this.open(chatId);
      if (writer) {
        try {
          return await writer.append(events);
        } finally {
          await writer.close();
        }
      }
      const forwarded = (await this.control.request(chatId, { kind: 'append', events }, FORWARD_TIMEOUT_MS)) as WireEvent[] | undefined;
      if (forwarded) return forwarded.map(fromWire);
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
    throw new EventLogError(EventLogErrorCode.Unavailable, `Chat ${chatId} could not be written: its writer did not answer`);
  }

  /** Events after `afterSeq`, oldest first: stored ones, then the recent tail (a page at a time). */
  async readAfter(chatId: string, afterSeq: number): Promise<LogEvent[]> {
    // The tail first: what it has already forgotten was stored before it forgot it.
    const tail = (await this.bus.tail(chatId, afterSeq)).map(fromWire);
    const stored = (await this.repository.listAfter(chatId, afterSeq, { limit: FOLLOW_PAGE, beforeSeq: tail[0]?.seq })).map(asLogEvent);
    return stored.length >= FOLLOW_PAGE ? stored : [...stored, ...tail];
  }

  /** The newest seq of the chat, stored or only published. */
  top(chatId: string): Promise<number> {
    return this.bus.newest(chatId, () => this.repository.lastSeq(chatId));
  }

  /**
   * Delivers every event after `afterSeq` (after the newest when null), then the live ones. Resolves once
   * the backlog is delivered; `stop()` ends it. Given `signal` (a client's socket), each step is tried again
   * until it works, so a client that arrives during an outage (Redis, the database) stays connected and is
   * caught up once it ends; the signal (the client left) gives up, rejecting with its reason. Without one, a
   * failure rejects at once.
   */
  async follow(chatId: string, afterSeq: number | null, listener: LogListener, signal?: AbortSignal): Promise<LogFollower> {
    const failed = (error: unknown) =>
      this.logger.warn(`chat ${chatId}: following the log failed, trying again until it works (${error instanceof Error ? error.message : String(error)})`);
    const step = <T>(work: () => Promise<T>, until: AbortSignal | undefined) => (until ? retrying(work, until, failed) : work());
    // Live events are held back until the start is known.
    const follower = new LogFollower(chatId, afterSeq ?? 0, this, listener);
    const leave = () => follower.stop();
    signal?.addEventListener('abort', leave, { once: true });
    try {
      // Until this returns, nothing but the signal (above) can stop the follower: no controller of its own is needed.
      const following = signal;
      follower.attach(await step(() => this.bus.subscribe(chatId, liveInto(follower)), following));
      // From the newest: read once subscribed, so whatever comes after it is among the live events (no second read).
      const start = afterSeq ?? (await step(() => this.top(chatId), following));
      if (listener.context && start > 0) for (const event of await step(() => this.runContext(chatId, start), following)) listener.context(event);
      // A failed read resumes where the follower is: nothing is delivered twice.
      await step(() => (afterSeq === null ? follower.startAt(start) : follower.catchUp()), following);
      return follower;
    } catch (error) {
      follower.stop();
      throw error;
    } finally {
      signal?.removeEventListener('abort', leave);
    }
  }

  /** The stored events of the run that `seq` belongs to, up to and including it. */
  private async runContext(chatId: string, seq: number): Promise<LogEvent[]> {
    const at = await this.repository.event(chatId, seq);
    if (!at?.runId) return [];
    return (await this.repository.list(chatId, { runId: at.runId, beforeSeq: seq + 1, limit: MAX_RUN_CONTEXT })).map(asLogEvent);
  }
}

/**
 * The bus listener of a follower, made outside `follow`: a closure made there would keep that call's whole scope
 * (its retry helpers, the signal's listener) alive for as long as the socket stays, thousands of them idle.
 */
function liveInto(follower: LogFollower): (event: WireEvent) => void {
  return (event) => follower.live(fromWire(event));
}
