import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { trace, type Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RunSpan } from './run-span';
import { createTracerProvider } from './tracer-provider';

const SCOPE = 'agent-gateway';
/** Within the last 2 s of the shutdown budget (app.setup.ts): an unreachable collector must not hold the exit. */
const FLUSH_ON_CLOSE_MS = 1500;

/** Starts the spans of agent runs; with a configured endpoint, exports them and flushes them on close. */
@Injectable()
export class AgentTracer implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private readonly provider: BasicTracerProvider | null;
  private readonly tracer: Tracer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.provider = config.tracing ? createTracerProvider(config.tracing) : null;
    // Without an endpoint, the API's tracer: a no-op, unless the process registered an SDK of its own
    // (`node --require @opentelemetry/auto-instrumentations-node/register`), which then gets our spans.
    this.tracer = this.provider?.getTracer(SCOPE) ?? trace.getTracer(SCOPE);
  }

  startRun(chatId: string, runId: string): RunSpan {
    return new RunSpan(this.tracer, chatId, runId);
  }

  /** The last shutdown hook, so turns that finished while the server drained are exported too. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`took longer than ${FLUSH_ON_CLOSE_MS} ms`), FLUSH_ON_CLOSE_MS);
    });
    const flushed = this.provider.shutdown().then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const problem = await Promise.race([flushed, timedOut]);
    clearTimeout(timer);
    if (problem !== null) this.logger.warn(`Spans not exported at shutdown: ${problem}`);
  }
}
