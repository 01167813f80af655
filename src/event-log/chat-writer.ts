import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { ChatBus, ChatLease, ControlRequest } from '../coordination/coordination';
import type { LogEvent, NewLogEvent } from '../history/chat-log';
import type { HistoryRepository } from '../history/history.repository';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { EventLogError, EventLogErrorCode } from './event-log.error';
import { asLogEvent, toWire } from './wire';

export type WriterRequestHandler = (request: ControlRequest) => Promise<unknown>;

// Deltas wait at most this long, or for this many siblings, before they are stored together.
const DELTA_FLUSH_MS = 50;
const DELTA_BATCH = 64;

/**
 * The one writer of a chat's log while it holds the chat's lease. It numbers events, and publishes
 * them in that order: `append` stores before publishing (durable before anyone sees it), `stream`
 * publishes at once and stores with the next batch (token deltas: off the database's hot path).
 * Every operation runs in call order on one chain, so followers never see seq n+1 before n.
 */
export class ChatWriter {
  private readonly logger = new Logger('ChatWriter');
  private readonly failure = new AbortController();
  /** Aborted when this writer must stop: its lease was lost or storage failed. */
  readonly signal: AbortSignal;
  private readonly handlers = new Map<string, WriterRequestHandler>();
  private readonly buffer: LogEvent[] = [];
  private chain: Promise<unknown> = Promise.resolve();
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
  ) {
    this.signal = AbortSignal.any([lease.lost, this.failure.signal]);
    this.handle('append', (request) => this.append(request.events as NewLogEvent[]).then((events) => events.map(toWire)));
  }

  get chatId(): string {
    return this.lease.chatId;
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
   * Stores the events (with any buffered deltas before them), then publishes them. `activeRun` marks
   * the run in flight in the same statement (a string), clears it (null) or leaves it (undefined).
   */
  append(events: NewLogEvent[], activeRun?: string | null): Promise<LogEvent[]> {
    const calledAt = performance.now();
    return this.enqueue(async () => {
      const numbered = events.map((event) => this.number(event));
      await this.store([...this.buffer.splice(0), ...numbered], activeRun);
      for (const event of numbered) this.bus.publish(toWire(event), this.durableSeq);
      // From the call: time spent waiting behind earlier work on the chain is latency the caller sees.
      this.metrics.logAppended((performance.now() - calledAt) / 1000);
      return numbered;
    });
  }

  /** Publishes now and stores within DELTA_FLUSH_MS: for token deltas, which a crash may lose. */
  stream(event: NewLogEvent): void {
    void this.enqueue(() => {
      const numbered = this.number(event);
      this.buffer.push(numbered);
      this.bus.publish(toWire(numbered), this.durableSeq);
      if (this.buffer.length >= DELTA_BATCH) return this.store(this.buffer.splice(0));
      this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.enqueue(() => this.store(this.buffer.splice(0))).catch(() => undefined);
      }, DELTA_FLUSH_MS);
      return Promise.resolve();
    }).catch(() => undefined);
  }

  /** Stores what is buffered, stops answering requests and gives the chat up. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.enqueue(() => this.store(this.buffer.splice(0))).catch((error: unknown) => this.logger.warn(`chat ${this.chatId}: ${String(error)}`));
      if (this.timer) clearTimeout(this.timer);
      this.stopServing();
      await this.bus.settle(this.chatId, this.durableSeq).catch(() => undefined);
      await this.lease.release();
    })();
    return this.closing;
  }

  private number(event: NewLogEvent): LogEvent {
    this.lastSeq += 1;
    return asLogEvent({ chatId: this.chatId, seq: this.lastSeq, runId: event.runId, type: event.type, payload: event.payload, createdAt: new Date() });
  }

  private async store(events: LogEvent[], activeRun?: string | null): Promise<void> {
    if (this.signal.aborted) throw new EventLogError(EventLogErrorCode.WriterLost, `The writer of chat ${this.chatId} stopped`);
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

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
