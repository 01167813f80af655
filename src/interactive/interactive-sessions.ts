import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ActionChooser } from '../agent/actions/action-chooser';
import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { InteractiveRoutes } from './interactive-routes';
import { InteractiveRuntime } from './interactive-runtime';
import { ExecutionSuspended, SessionChannel, type SessionSocket } from './session-channel';
import { SessionJournal } from './session-journal';
import { SessionStore } from './session.store';

interface Execution {
  channel: SessionChannel;
  controller: AbortController;
  done: Promise<void>;
}

export interface SessionOpening {
  sessionId: string;
  route: string;
  message: string;
  user: AuthUser;
}

/**
 * Runs interactive agents: one live execution per session, which sockets attach to and detach from.
 * An execution interrupted by a restart is resumed by replaying its handler against its journal.
 */
@Injectable()
export class InteractiveSessions implements BeforeApplicationShutdown {
  private readonly logger = new Logger('InteractiveSessions');
  private readonly live = new Map<string, Execution>();
  /** Openings of one session run one at a time, so two sockets never start two executions. */
  private readonly openings = new Map<string, Promise<void>>();

  constructor(
    private readonly routes: InteractiveRoutes,
    private readonly store: SessionStore,
    private readonly chooser: ActionChooser,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  open(opening: SessionOpening, socket: SessionSocket): Promise<void> {
    const previous = this.openings.get(opening.sessionId) ?? Promise.resolve();
    const next = previous.then(() => this.attachOrStart(opening, socket));
    this.openings.set(opening.sessionId, next.catch(() => undefined));
    return next;
  }

  /** A chat message from the client; false when no action is waiting for one. */
  input(sessionId: string, input: ChatInput): boolean {
    return this.live.get(sessionId)?.channel.deliver(input) ?? false;
  }

  leave(sessionId: string, socket: SessionSocket): void {
    this.live.get(sessionId)?.channel.detach(socket);
  }

  /** Shutdown suspends executions without an outcome: their journals stay open, and they resume on reconnect. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const execution of this.live.values()) {
      execution.controller.abort('server shutting down');
      execution.channel.suspend();
    }
    await Promise.all([...this.live.values()].map((execution) => execution.done));
  }

  private async attachOrStart(opening: SessionOpening, socket: SessionSocket): Promise<void> {
    const running = this.live.get(opening.sessionId);
    if (running) {
      running.channel.attach(socket);
      return;
    }
    const interrupted = await this.store.unfinished(opening.sessionId);
    const executionId = interrupted?.executionId ?? randomUUID();
    const route = interrupted?.route ?? opening.route;
    const message = interrupted?.message ?? opening.message;
    if (!interrupted) await this.store.begin(opening.sessionId, executionId, route, message);
    const channel = new SessionChannel();
    channel.attach(socket);
    const controller = new AbortController();
    const journal = new SessionJournal(executionId, interrupted?.journal ?? [], (record) => this.store.journal(opening.sessionId, record));
    const runtime = new InteractiveRuntime(opening.sessionId, message, opening.user, {
      journal,
      channel,
      chooser: this.chooser,
      writeMessage: (entry, ordinal) => this.store.journal(opening.sessionId, { executionId, kind: 'message', ordinal, data: entry.payload }, entry),
      defaultTimeoutMs: this.config.interactive.inputTimeoutMs,
      signal: controller.signal,
    });
    const execution: Execution = { channel, controller, done: Promise.resolve() };
    this.live.set(opening.sessionId, execution);
    execution.done = this.execute(opening.sessionId, executionId, route, runtime, channel).finally(() => this.live.delete(opening.sessionId));
  }

  private async execute(sessionId: string, executionId: string, route: string, runtime: InteractiveRuntime, channel: SessionChannel): Promise<void> {
    const handler = this.routes.find(route);
    try {
      if (!handler) throw new Error(`No interactive agent is mounted at ${route} any more`);
      await handler(runtime);
      await this.store.finish(sessionId, executionId, 'finished');
      channel.end();
    } catch (error) {
      if (error instanceof ExecutionSuspended) return;
      const failure = describeFailure(error);
      if (failure.code === 'action.failed') this.logger.error(`session ${sessionId} failed`, error instanceof Error ? error.stack : String(error));
      await this.store.finish(sessionId, executionId, 'failed', failure.message).catch((cause: unknown) => this.logger.error(cause));
      channel.send({ event: 'error', data: failure });
      channel.end();
    }
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof InputTimeoutError) return { code: 'action.input_timeout', message: error.message };
  if (error instanceof CodedError) return { code: String(error.code), message: error.message };
  return { code: 'action.failed', message: 'The interactive agent failed; the server log has the details' };
}
