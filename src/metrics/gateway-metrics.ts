import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RunMeter, type RunInstruments } from './run-meter';

/** Where a refusal left: a REST answer, or a WebSocket upgrade answered with an HTTP error instead of 101. */
export type RefusalTransport = 'http' | 'ws';

export interface TurnCounts {
  /** Turns running on this instance now. */
  running: number;
  /** Turns queued behind them, in the chats this instance runs. */
  waiting: number;
}

const PREFIX = 'agent_gateway_';
const SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const FAST_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Every metric of the gateway, in a registry of its own (not prom-client's global one), so several apps in one
 * process keep apart. Callers get intent-named methods; the work each does is a counter or a histogram update.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly run: RunInstruments;
  private readonly connections: Gauge<'protocol'>;
  private readonly connectionSeries = new Map<string, { inc(): void; dec(): void }>();
  private readonly refusals: Counter<'transport' | 'code'>;
  private readonly modelCalls: Histogram<'provider' | 'model' | 'outcome'>;
  private readonly appends: Histogram;
  private readonly storeLag: Histogram;
  private turnCounts: () => Promise<TurnCounts> = () => Promise.resolve({ running: 0, waiting: 0 });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Process metrics are sampled on scrape, but the event-loop monitor runs always: only when /metrics exists.
    if (config.metrics) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name: PREFIX + name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram({ name: PREFIX + name, help, labelNames, buckets, registers });
    this.run = {
      started: counter('turns_started_total', 'Turns the engine started', ['agent', 'protocol']),
      ended: counter('turns_ended_total', 'Turns that ended, by outcome: finished, failed, cancelled', ['agent', 'protocol', 'outcome']),
      duration: histogram('turn_duration_seconds', 'From a turn start to its end', ['agent', 'protocol', 'outcome'], SECONDS),
      tokens: counter('model_tokens_total', 'Tokens the model read (input) and wrote (output), as the provider reported them', ['model', 'type']),
      toolCalls: counter('tool_calls_total', 'Tool calls the model made', ['tool']),
      toolFailures: counter('tool_failures_total', 'Tool calls that failed: refused arguments, an unknown tool, or the tool threw', ['tool']),
      toolLabels: new Set(),
    };
    this.connections = new Gauge({ name: `${PREFIX}websocket_connections`, help: 'Open WebSocket connections', labelNames: ['protocol'], registers });
    this.refusals = counter('refusals_total', 'Error answers by code: REST responses and refused WebSocket upgrades', ['transport', 'code']);
    const call = 'One request to the model provider, to its last streamed part; each retry counts apart';
    this.modelCalls = histogram('model_call_duration_seconds', call, ['provider', 'model', 'outcome'], SECONDS);
    this.appends = histogram('event_log_append_duration_seconds', 'An append to a chat event log, from the call to stored and published', [], FAST_SECONDS);
    const lag = 'Age of the oldest event of a batch when it is stored (streamed deltas wait up to 50 ms by design)';
    this.storeLag = histogram('event_log_store_lag_seconds', lag, [], FAST_SECONDS);
    const readTurns = (): Promise<TurnCounts> => this.turnCounts();
    new Gauge({
      name: `${PREFIX}turns`,
      help: 'Turns this instance runs now (running), and those queued behind them in the same chats (waiting)',
      labelNames: ['state'],
      registers,
      // Read on scrape; a queue that cannot be read (Redis down) leaves the last values rather than fail the scrape.
      async collect() {
        const counts = await readTurns().catch(() => null);
        if (!counts) return;
        this.set({ state: 'running' }, counts.running);
        this.set({ state: 'waiting' }, counts.waiting);
      },
    });
  }

  /** One run's meter; `protocol` is who asked for it (chat, interact, rest). */
  runMeter(protocol: string): RunMeter {
    return new RunMeter(this.run, protocol);
  }

  /** A socket of `protocol` opened; `disconnected` counts it down. */
  connected(protocol: string): void {
    this.openSockets(protocol).inc();
  }

  disconnected(protocol: string): void {
    this.openSockets(protocol).dec();
  }

  /** The gauge's series per protocol, looked up once (labels are hashed on every call otherwise). */
  private openSockets(protocol: string): { inc(): void; dec(): void } {
    let series = this.connectionSeries.get(protocol);
    if (!series) this.connectionSeries.set(protocol, (series = this.connections.labels({ protocol })));
    return series;
  }

  refused(transport: RefusalTransport, code: string): void {
    this.refusals.inc({ transport, code });
  }

  modelCall(provider: string, model: string, seconds: number, outcome: 'ok' | 'error'): void {
    this.modelCalls.observe({ provider, model, outcome }, seconds);
  }

  logAppended(seconds: number): void {
    this.appends.observe(seconds);
  }

  logStored(lagSeconds: number): void {
    this.storeLag.observe(lagSeconds);
  }

  /** Where the turn gauges read their values on each scrape. */
  countTurnsWith(source: () => Promise<TurnCounts>): void {
    this.turnCounts = source;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
