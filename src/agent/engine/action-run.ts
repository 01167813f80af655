import type { ModelMessage } from 'ai';
import type { z } from 'zod';
import type { ModelTool, ModelTurn } from '../models/turn-streamer';
import type { RunEventBody } from '../run-events';

/** A model call of an action run: not streamed to anyone, its text and calls returned whole. */
export interface ActionModelCall {
  system: string | undefined;
  messages: ModelMessage[];
  tools: readonly ModelTool[];
}

export interface ObjectCall<Schema extends z.ZodType> {
  schema: Schema;
  system: string | undefined;
  messages: ModelMessage[];
}

/**
 * What an interactive execution's code gets from the engine (AgentRunner.runActions): the run's events, its
 * model, its clock. Everything the execution does reaches the log as a run event, emitted here.
 */
export interface ActionRun {
  readonly runId: string;
  /** Aborted when the run must stop: cancelled, suspended, out of time, or its consumer gone. */
  readonly signal: AbortSignal;
  /** The step the run is in: what a question or a notification belongs to. */
  readonly step: number;
  /** Resolves once the event is handled (logged): an effect emitted is durable before the code goes on. */
  emit(body: RunEventBody): Promise<void>;
  /** A model call, as one step of the run (`step.started` first): metered, traced, its tokens the run's usage. */
  complete(call: ActionModelCall): Promise<ModelTurn>;
  /** A typed object from the model, as one step of the run. */
  generateObject<Schema extends z.ZodType>(call: ObjectCall<Schema>): Promise<{ object: z.output<Schema>; inputTokens: number; outputTokens: number }>;
  /** Waits for a person off the run's clock; the work that follows has RUN_TIMEOUT_MS afresh. */
  waitForHuman<T>(wait: Promise<T>): Promise<T>;
}

/** The run stopped without an outcome (server shutdown): it resumes elsewhere or on restart, so it logs no end. */
export class RunSuspended extends Error {
  constructor() {
    super('The run was suspended');
    this.name = 'RunSuspended';
  }
}

interface Queued {
  body: RunEventBody;
  handled(): void;
  dropped(error: Error): void;
}

/**
 * Hands an action run's events to the runner's consumer one at a time: `push` resolves when the consumer asks for
 * the next event, which it does once it has logged the one before. The code's own order (`await emit`) is the
 * log's order; concurrent children's events interleave, each still logged before its emit resolves.
 */
export class EmitQueue {
  private readonly items: Queued[] = [];
  private wake: (() => void) | null = null;
  private outcome: { error: unknown } | 'done' | null = null;
  private closed: Error | null = null;

  push(body: RunEventBody): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((handled, dropped) => {
      this.items.push({ body, handled, dropped });
      this.notify();
    });
  }

  /** The code finished (or failed): what it emitted before is still drained first. */
  end(error?: unknown): void {
    this.outcome ??= error === undefined ? 'done' : { error };
    this.notify();
  }

  async *drain(): AsyncGenerator<RunEventBody> {
    let current: Queued | null = null;
    try {
      for (;;) {
        current = this.items.shift() ?? null;
        if (current) {
          yield current.body;
          current.handled();
          current = null;
          continue;
        }
        if (this.outcome === 'done') return;
        if (this.outcome) throw this.outcome.error;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The consumer stopped (its append failed, or the run ended): nothing more is logged.
      this.closed = new Error('The run stopped before this event was logged');
      for (const item of current ? [current, ...this.items] : this.items) item.dropped(this.closed);
      this.items.length = 0;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** `work`, unless `signal` aborts first: code stuck outside a model call (a hook that never returns) is not waited for. */
export function raced<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason as Error);
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
