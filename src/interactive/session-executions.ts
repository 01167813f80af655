import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { ChatWriter } from '../event-log/chat-writer';
import { RunRecovery } from '../event-log/run-recovery';
import { ActionServices } from './action-services';
import { InteractiveRoutes } from './interactive-routes';
import { InteractiveRuntime } from './interactive-runtime';
import { RunDeadline } from './run-deadline';
import { ExecutionSuspended, SessionChannel } from './session-channel';
import { SessionJournal } from './session-journal';
import { SessionStore, type UnfinishedExecution } from './session.store';

interface Execution {
  executionId: string;
  channel: SessionChannel;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs the interactive executions whose session's writer this instance holds (one per session across all
 * instances). An execution whose instance stopped is resumed by replaying its handler against its journal.
 */
@Injectable()
export class SessionExecutions implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('InteractiveSessions');
  private readonly live = new Map<string, Execution>();

  constructor(
    private readonly routes: InteractiveRoutes,
    private readonly store: SessionStore,
    private readonly actions: ActionServices,
    private readonly recovery: RunRecovery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.recovery.register('session', (writer) => this.resume(writer));
  }

  runsHere(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  /** A chat input for the execution running here: whether it waited for one; null when none runs here. */
  deliver(sessionId: string, input: ChatInput): boolean | null {
    return this.live.get(sessionId)?.channel.deliver(input) ?? null;
  }

  /** Shutdown suspends executions without an outcome: their journals stay open, and they resume elsewhere or on restart. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const execution of this.live.values()) {
      execution.controller.abort('server shutting down');
      execution.channel.suspend();
    }
    await Promise.all([...this.live.values()].map((execution) => execution.done));
  }

  /** Runs the execution with the session's writer, which it closes when it ends (or fails to begin). */
  async start(writer: ChatWriter, execution: UnfinishedExecution, user: AuthUser, isNew: boolean): Promise<void> {
    const sessionId = writer.chatId;
    const { executionId, route, message } = execution;
    try {
      if (isNew) await this.store.begin(writer, executionId, route, message);
    } catch (error) {
      await writer.close();
      throw error;
    }
    const channel = new SessionChannel(execution.pending !== null);
    const controller = new AbortController();
    writer.handle('input', (request) => Promise.resolve(channel.deliver(request.input as ChatInput)));
    const journal = new SessionJournal(executionId, execution.journal, (record) => this.store.journal(writer, record));
    const deadline = new RunDeadline(this.config.run.timeoutMs);
    const runtime = new InteractiveRuntime(sessionId, message, user, {
      journal,
      channel,
      services: this.actions,
      writeMessage: (entry, kind, ordinal) => this.store.journal(writer, { executionId, kind, ordinal, data: entry.payload }, entry),
      defaultTimeoutMs: this.config.interactive.inputTimeoutMs,
      deadline,
      signal: AbortSignal.any([controller.signal, writer.signal, deadline.signal]),
    });
    const live: Execution = { executionId, channel, controller, done: Promise.resolve() };
    this.live.set(sessionId, live);
    live.done = this.execute(writer, executionId, route, runtime, deadline).finally(async () => {
      this.live.delete(sessionId);
      await writer.close();
    });
  }

  /** Resumes the interrupted execution whose writer the caller took, with `input` for the question it waits on. */
  async resumeWith(writer: ChatWriter, input: ChatInput): Promise<boolean> {
    await this.resume(writer);
    return this.deliver(writer.chatId, input) ?? false;
  }

  private async resume(writer: ChatWriter): Promise<void> {
    const interrupted = await this.store.unfinished(writer.chatId);
    const owner = await this.store.owner(writer.chatId);
    if (!interrupted || owner === null) {
      await writer.append([], null);
      await writer.close();
      return;
    }
    // The token that started it is gone; the owner's identity is what the session belongs to.
    await this.start(writer, interrupted, { sub: owner, roles: [] }, false);
  }

  private async execute(writer: ChatWriter, executionId: string, route: string, runtime: InteractiveRuntime, deadline: RunDeadline): Promise<void> {
    const handler = this.routes.find(route);
    try {
      if (!handler) throw new Error(`No interactive agent is mounted at ${route} any more`);
      deadline.start();
      await deadline.race(handler(runtime));
      deadline.stop();
      await this.store.finish(writer, executionId, 'finished');
    } catch (error) {
      deadline.stop();
      if (error instanceof ExecutionSuspended) return;
      // However the model call or the agent's code reported being cut off, the cause is the deadline.
      const failure = describeFailure(deadline.signal.aborted ? deadline.signal.reason : error);
      if (failure.code === 'action.failed') this.logger.error(`session ${writer.chatId} failed`, error instanceof Error ? error.stack : String(error));
      await this.store.finish(writer, executionId, 'failed', failure).catch((cause: unknown) => this.logger.error(cause));
    }
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof InputTimeoutError) return { code: 'action.input_timeout', message: error.message };
  if (error instanceof CodedError) return { code: String(error.code), message: error.message };
  return { code: 'action.failed', message: 'The interactive agent failed; the server log has the details' };
}
