import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ChatInput } from '../agent/actions/interactive-context';
import { AgentErrorCode } from '../agent/agent.error';
import { RunSuspended, type ActionRun } from '../agent/engine/action-run';
import { AgentRunner } from '../agent/engine/agent-runner';
import type { RunEvent } from '../agent/run-events';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { ChatWriter } from '../event-log/chat-writer';
import { RunRecovery } from '../event-log/run-recovery';
import { ActionServices } from './action-services';
import { InteractiveRoutes } from './interactive-routes';
import { InteractiveRuntime } from './interactive-runtime';
import { eventOf } from './journal-events';
import { SessionChannel } from './session-channel';
import { SessionJournal } from './session-journal';
import { canSleep, SessionStore, type UnfinishedExecution } from './session.store';

const REPLAY_PATIENCE_MS = 5000;

/** An answer handed to a resumed execution: whether the question it replays to is the one answered. */
type Handover = { answered: Promise<boolean> } | null;

interface Execution {
  channel: SessionChannel;
  controller: AbortController;
  done: Promise<void>;
  /** Going to sleep: answers wait for the writer's release, then wake it (InteractiveSessions.input). */
  sleeping: boolean;
}

/**
 * Runs the interactive executions whose session's writer this instance holds (one per session across all
 * instances), each as a run of the one engine (AgentRunner.runActions): its events go to the session's log as
 * they come. An execution whose instance stopped is resumed by replaying its code against those events.
 */
@Injectable()
export class SessionExecutions implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('InteractiveSessions');
  private readonly live = new Map<string, Execution>();

  constructor(
    private readonly routes: InteractiveRoutes,
    private readonly store: SessionStore,
    private readonly actions: ActionServices,
    private readonly runner: AgentRunner,
    private readonly recovery: RunRecovery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.recovery.register('session', (writer) => this.recover(writer));
  }

  runsHere(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  /** A chat input for the execution running here: whether it waited for one; null when none runs (or stays) here. */
  deliver(sessionId: string, input: ChatInput): boolean | null {
    const live = this.live.get(sessionId);
    return !live || live.sleeping ? null : live.channel.deliver(input);
  }

  /** Shutdown suspends executions without an outcome: their runs stay open, and they resume elsewhere or on restart. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const execution of this.live.values()) {
      execution.controller.abort(new RunSuspended());
      execution.channel.suspend();
    }
    await Promise.all([...this.live.values()].map((execution) => execution.done));
  }

  /**
   * Runs the execution with the session's writer, which it closes when it ends (or fails to begin). `answer`: for
   * the question a resumed execution waits on, handed over before its code replays (see resumeWith).
   */
  async start(writer: ChatWriter, execution: UnfinishedExecution, user: AuthUser, isNew: boolean, answer?: ChatInput): Promise<Handover> {
    const sessionId = writer.chatId;
    const { executionId, route, message } = execution;
    // The question waited on longest without a timeout puts its execution to sleep (INTERACTIVE_SLEEP_AFTER_MS):
    // a user's sessions left waiting do not pile up in memory, nor hold writers, until the next restart.
    const idle = { afterMs: this.config.interactive.sleepAfterMs, sleep: () => this.putToSleep(sessionId) };
    const channel = new SessionChannel(execution.pending !== null, idle);
    // In an object: an async function returning the promise itself would wait for it.
    const handover: Handover = answer && channel.deliver(answer) ? { answered: channel.delivered() } : null;
    const controller = new AbortController();
    const events = this.runner.runActions(
      { chatId: sessionId, runId: executionId, route, input: message, resumed: !isNew, protocol: 'interactive', signal: AbortSignal.any([controller.signal, writer.signal]) },
      (run) => this.program(run, writer, execution, user, channel),
    );
    try {
      // The start is logged before the socket that opened the session is told it runs.
      const first = isNew ? await events.next() : null;
      if (first && !first.done && first.value.type === 'run.started') await this.store.begin(writer, first.value);
      if (!isNew) await this.store.wake(writer, executionId);
    } catch (error) {
      await events.return(undefined);
      await writer.close();
      throw error;
    }
    const live: Execution = { channel, controller, done: Promise.resolve(), sleeping: false };
    // An answer forwarded while it goes to sleep gets no reply: the sender waits for the writer and wakes it.
    writer.handle('input', (request) => Promise.resolve(live.sleeping ? undefined : channel.deliver(request.input as ChatInput)));
    this.live.set(sessionId, live);
    live.done = this.log(writer, executionId, events).finally(async () => {
      this.live.delete(sessionId);
      if (live.sleeping) await this.store.sleep(writer, executionId).catch((error: unknown) => this.logger.warn(`session ${sessionId} could not be put to sleep: ${String(error)}`));
      await writer.close();
    });
    return handover;
  }

  /** Suspends a waiting execution (no end is logged) and marks it dormant: the next answer or socket wakes it. */
  private putToSleep(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (!live || live.sleeping) return;
    live.sleeping = true;
    live.controller.abort(new RunSuspended());
    live.channel.suspend();
  }

  /**
   * An execution a stopped instance left behind: resumed, unless it only waits on a question without a timeout.
   * That one sleeps in the log (thousands may wait for days) until its socket reconnects or a REST answer comes.
   */
  private async recover(writer: ChatWriter): Promise<void> {
    const interrupted = await this.store.unfinished(writer.chatId);
    if (interrupted && canSleep(interrupted)) {
      await this.store.sleep(writer, interrupted.executionId);
      await writer.close();
      return;
    }
    await this.resume(writer);
  }

  /**
   * Resumes the interrupted execution whose writer the caller took, with `input` for the question it waits on; tells
   * whether the resumed code asked that same question (a deploy may have changed it: then the answer is not used).
   */
  async resumeWith(writer: ChatWriter, input: ChatInput): Promise<'taken' | 'not_waiting' | 'question_changed'> {
    // Handed over before the code replays: a replay that asks another question must not get it.
    const handover = await this.resume(writer, input);
    if (!handover) return 'not_waiting';
    // Replaying to the question takes moments; code that now works long before asking keeps the answer for it.
    const taken = await Promise.race([handover.answered, new Promise<boolean>((resolve) => setTimeout(resolve, REPLAY_PATIENCE_MS, true).unref())]);
    return taken ? 'taken' : 'question_changed';
  }

  private async resume(writer: ChatWriter, answer?: ChatInput): Promise<Handover> {
    const interrupted = await this.store.unfinished(writer.chatId);
    const owner = await this.store.owner(writer.chatId);
    if (!interrupted || owner === null) {
      await writer.append([], null);
      await writer.close();
      return null;
    }
    // The token that started it is gone; the owner's identity is what the session belongs to.
    return this.start(writer, interrupted, { sub: owner, roles: [] }, false, answer);
  }

  /** The execution's code: the agent function mounted at its route, given a context whose every effect is a run event. */
  private async program(run: ActionRun, writer: ChatWriter, execution: UnfinishedExecution, user: AuthUser, channel: SessionChannel): Promise<void> {
    const { executionId, route, message } = execution;
    const handler = this.routes.find(route);
    if (!handler) throw new Error(`No interactive agent is mounted at ${route} any more`);
    const journal = new SessionJournal(executionId, execution.journal, (record, extras) => run.emit(eventOf(record, run.step, extras)));
    const runtime = new InteractiveRuntime(writer.chatId, message, user, {
      run,
      journal,
      channel,
      services: this.actions,
      writeUserMessage: (messageId, content, ref) => this.store.userMessage(writer, executionId, messageId, content, ref),
      defaultTimeoutMs: this.config.interactive.inputTimeoutMs,
    });
    await handler(runtime);
  }

  /** Logs the run's events as they come; a log that fails mid-run ends the run, failed, when the log can still say so. */
  private async log(writer: ChatWriter, executionId: string, events: AsyncGenerator<RunEvent>): Promise<void> {
    let seq = 0;
    try {
      for await (const event of events) {
        seq = event.seq;
        await this.store.append(writer, event);
      }
    } catch (error) {
      const { code, message } = error instanceof CodedError ? (error as CodedError<string>) : { code: AgentErrorCode.Internal, message: 'The run could not be logged' };
      this.logger.error(`session ${writer.chatId}: logging its run failed`, error instanceof Error ? error.stack : String(error));
      const failed: RunEvent = { chatId: writer.chatId, runId: executionId, seq: seq + 1, at: new Date().toISOString(), type: 'run.failed', error: { code, message } };
      await this.store.append(writer, failed).catch(() => undefined);
    }
  }
}
