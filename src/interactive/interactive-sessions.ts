import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ChatInput } from '../agent/actions/interactive-context';
import type { AuthUser } from '../auth/auth-user';
import { ChatControl, ChatTakeover } from '../coordination/coordination';
import type { ChatWriter } from '../event-log/chat-writer';
import { EventLog } from '../event-log/event-log';
import type { LogFollower, LogListener } from '../event-log/log-follower';
import { isRunEnd } from '../history/chat-log';
import { SessionExecutions } from './session-executions';
import { SessionStore, type UnfinishedExecution } from './session.store';

export type AnswerOutcome = 'taken' | 'not_waiting' | 'question_changed';

export interface SessionOpening {
  sessionId: string;
  route: string;
  message: string;
  user: AuthUser;
  /** Replay the session's frames after this seq; null: the pending question, then what comes next. */
  after: number | null;
}

export interface SessionSocket {
  /** Gets the session's frames; made for the execution the socket belongs to, whose end closes it. */
  listenerFor(executionId: string): LogListener;
  /** A newer socket took the session over, on this instance or another. */
  displaced(): void;
}

/** A socket's hold on a session: following its log, as its newest socket. */
export interface SessionAttachment {
  stop(): void;
}

// How long an answer forwarded to the instance running the execution waits for it to say it arrived.
const INPUT_TIMEOUT_MS = 5000;
// A session's writer can be held without a running execution for a moment (one starts, ends or resumes):
// attaching and answering retry that long at most.
const PATIENCE_MS = 2000;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 200)));

/**
 * Attaches sockets to interactive sessions. A session has one execution across all instances and one
 * socket: the newest, which follows the execution through the session's event log from any instance,
 * and starts it here unless it already runs (here or elsewhere).
 */
@Injectable()
export class InteractiveSessions {
  /** Openings of one session run one at a time here, so two sockets never start two executions. */
  private readonly openings = new Map<string, Promise<unknown>>();

  constructor(
    private readonly executions: SessionExecutions,
    private readonly store: SessionStore,
    private readonly log: EventLog,
    private readonly control: ChatControl,
    private readonly takeover: ChatTakeover,
  ) {}

  open(opening: SessionOpening, socket: SessionSocket): Promise<SessionAttachment> {
    const { sessionId } = opening;
    const next = (this.openings.get(sessionId) ?? Promise.resolve()).then(() => this.attach(opening, socket));
    const settled = next.catch(() => undefined);
    this.openings.set(sessionId, settled);
    void settled.then(() => {
      if (this.openings.get(sessionId) === settled) this.openings.delete(sessionId);
    });
    return next;
  }

  /**
   * A chat input from the client, to the execution wherever it runs, waking it when it sleeps in the log (nothing
   * runs it: no instance holds its writer). `question_changed`: woken, its code asked another question than the one
   * answered (a deploy changed it), so the answer was not used.
   */
  async input(sessionId: string, input: ChatInput): Promise<AnswerOutcome> {
    const deadline = Date.now() + PATIENCE_MS;
    for (let attempt = 1; ; attempt += 1) {
      const here = this.executions.deliver(sessionId, input);
      if (here !== null) return here ? 'taken' : 'not_waiting';
      const answer = await this.control.request(sessionId, { kind: 'input', input }, INPUT_TIMEOUT_MS);
      if (answer !== undefined) return answer === true ? 'taken' : 'not_waiting';
      // Nobody holds the session: it sleeps (or its instance stopped), and this instance wakes it with the answer.
      // An answer to a finished session costs one read, not a writer taken and a write.
      if (!(await this.store.inFlight(sessionId))) return 'not_waiting';
      const writer = await this.log.open(sessionId);
      if (writer) return this.executions.resumeWith(writer, input);
      // Its writer is held without an execution for a moment (one starts, ends or resumes).
      if (Date.now() >= deadline) return 'not_waiting';
      await pause(attempt);
    }
  }

  private async attach(opening: SessionOpening, socket: SessionSocket): Promise<SessionAttachment> {
    const withdraw = await this.takeover.takeOver(opening.sessionId, () => socket.displaced());
    try {
      const follower = await this.follow(opening, socket);
      return {
        stop: () => {
          follower.stop();
          withdraw();
        },
      };
    } catch (error) {
      withdraw();
      throw error;
    }
  }

  /** Follows the session's execution, starting it here when nobody runs it. */
  private async follow(opening: SessionOpening, socket: SessionSocket): Promise<LogFollower> {
    const { sessionId } = opening;
    const deadline = Date.now() + PATIENCE_MS;
    for (let attempt = 1; ; attempt += 1) {
      const writer = this.executions.runsHere(sessionId) ? null : await this.log.open(sessionId);
      if (writer) return this.startHere(writer, opening, socket);
      const running = await this.store.unfinished(sessionId);
      if (running) return this.followRunning(opening, running, socket.listenerFor(running.executionId));
      if (Date.now() >= deadline) throw new Error(`session ${sessionId}: its log stayed held by a writer without an execution`);
      await pause(attempt);
    }
  }

  /** This instance holds the session: it resumes the interrupted execution, or starts one with this socket's message. */
  private async startHere(writer: ChatWriter, opening: SessionOpening, socket: SessionSocket): Promise<LogFollower> {
    let execution: UnfinishedExecution;
    let isNew: boolean;
    let follower: LogFollower;
    try {
      const interrupted = await this.store.unfinished(opening.sessionId);
      isNew = !interrupted;
      execution = interrupted ?? { executionId: randomUUID(), route: opening.route, message: opening.message, journal: [], pending: null };
      follower = await this.followFrom(opening, execution, socket.listenerFor(execution.executionId));
    } catch (error) {
      await writer.close();
      throw error;
    }
    // An execution that cannot begin closes the writer itself.
    await this.executions.start(writer, execution, opening.user, isNew).catch((error: unknown) => {
      follower.stop();
      throw error;
    });
    return follower;
  }

  /** An execution that runs here or elsewhere; if its end was logged before the follower's start, the socket gets it now. */
  private async followRunning(opening: SessionOpening, running: UnfinishedExecution, listener: LogListener): Promise<LogFollower> {
    let ended = false;
    const tracking: LogListener = {
      event: (event) => {
        ended ||= (isRunEnd(event.type) && event.runId === running.executionId) || (event.type === 'session.finished' && event.payload.executionId === running.executionId);
        listener.event(event);
      },
    };
    const follower = await this.followFrom(opening, running, tracking);
    const end = await this.store.end(opening.sessionId, running.executionId);
    if (end && !ended && end.seq <= follower.position) tracking.event(end);
    return follower;
  }

  private followFrom(opening: SessionOpening, execution: UnfinishedExecution, listener: LogListener): Promise<LogFollower> {
    // A plain reconnect is asked the pending question again; one with `after` gets it in the replay.
    if (opening.after === null && execution.pending) listener.event(execution.pending);
    return this.log.follow(opening.sessionId, opening.after, listener);
  }
}
