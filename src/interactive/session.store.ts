import { Injectable } from '@nestjs/common';
import type { JournalRef } from '../agent/journal-ref';
import type { RunEvent } from '../agent/run-events';
import { runEventEntry } from '../conversation/turn-entries';
import type { ChatWriter } from '../event-log/chat-writer';
import { isRunEnd, RUN_END_TYPES, type ChatLogType, type JournalRecord, type LogEvent } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';
import { recordOf } from './journal-events';

export interface UnfinishedExecution {
  executionId: string;
  route: string;
  message: string;
  journal: Array<JournalRecord & { legacy?: true }>;
  /** The logged question the execution waits on (asked, not answered); null when none. */
  pending: LogEvent | null;
}

/** The chats row's `active_run` of a session whose execution runs (or must be recovered), and of one left dormant. */
export const IN_FLIGHT = 'session:';
export const DORMANT = 'dormant:';

/** Whether an unfinished execution can wait in the log alone: it waits on a question that has no timeout. */
export function canSleep(execution: UnfinishedExecution): boolean {
  const pending = execution.pending;
  return pending?.type === 'input.requested' && pending.payload.expiresAt === undefined;
}

// An execution's whole journal is read back to resume it; this bounds a pathological one.
const MAX_ENTRIES = 5000;
const STARTS = ['run.started', 'session.started'] as const satisfies readonly ChatLogType[];
const ENDS = [...RUN_END_TYPES, 'session.finished'] as const satisfies readonly ChatLogType[];
/** Every entry a step can be journaled in (`journal`: written before executions ran as runs). */
const JOURNALED = ['input.requested', 'input.received', 'notify', 'step.finished', 'tool.call', 'tool.result', 'user.message', 'journal'] as const satisfies readonly ChatLogType[];

/** Persists interactive executions in the session's event log, through its writer: their run events, and reads them back. */
@Injectable()
export class SessionStore {
  constructor(private readonly history: HistoryRepository) {}

  /** The session's owner, claiming it for `userId` when it is new. */
  claim(sessionId: string, userId: string): Promise<string> {
    return this.history.claimChat(sessionId, userId);
  }

  /** Whether the session has an execution that has not finished (running, or asleep in the log). */
  async inFlight(sessionId: string): Promise<boolean> {
    const marker = await this.history.activeRun(sessionId);
    return marker !== null && (marker.startsWith(IN_FLIGHT) || marker.startsWith(DORMANT));
  }

  owner(sessionId: string): Promise<string | null> {
    return this.history.findOwner(sessionId);
  }

  /** The start, with the session's message as the run's user message, marking the session's execution in flight. */
  async begin(writer: ChatWriter, started: RunEvent & { type: 'run.started' }): Promise<void> {
    const { runId } = started;
    await writer.append(
      [runEventEntry(started, runId), { type: 'user.message', runId, payload: { messageId: runId, content: started.input } }],
      `${IN_FLIGHT}${runId}`,
    );
  }

  /**
   * The execution waits on a question with no timeout and nothing runs it: it stays in the log, not in memory, until
   * its socket comes back or an answer arrives over REST. The recovery sweep leaves a `dormant:` marker alone.
   */
  async sleep(writer: ChatWriter, executionId: string): Promise<void> {
    await writer.append([], `${DORMANT}${executionId}`);
  }

  /** Running again (resumed): a stopped instance's execution is recovered again. */
  async wake(writer: ChatWriter, executionId: string): Promise<void> {
    await writer.append([], `${IN_FLIGHT}${executionId}`);
  }

  /** A run event of the execution; its end clears the session's execution in flight. */
  async append(writer: ChatWriter, event: RunEvent): Promise<void> {
    const entry = runEventEntry(event, event.runId);
    await (isRunEnd(event.type) ? writer.append([entry], null) : writer.append([entry]));
  }

  /** An `addMessage('user', …)`: a history entry of the execution, journaled. */
  async userMessage(writer: ChatWriter, executionId: string, messageId: string, content: string, journal: JournalRef): Promise<void> {
    await writer.append([{ type: 'user.message', runId: executionId, payload: { messageId, content, journal } }]);
  }

  /** The logged end of an execution; null while it runs. */
  async end(sessionId: string, executionId: string): Promise<LogEvent | null> {
    const [end] = await this.history.list(sessionId, { types: ENDS, runId: executionId, limit: 1 });
    return end ? (end as LogEvent) : null;
  }

  /** The session's last execution when it has not finished (a restart or a crash interrupted it). */
  async unfinished(sessionId: string): Promise<UnfinishedExecution | null> {
    const [start] = (await this.history.list(sessionId, { types: STARTS, limit: 1 })) as LogEvent[];
    if (!start) return null;
    const { executionId, route, message } =
      start.type === 'session.started' ? start.payload : { executionId: start.runId!, route: (start.payload as { route?: string }).route, message: (start.payload as { input: string }).input };
    if (!route || (await this.end(sessionId, executionId))) return null;
    const logged = (await this.history.list(sessionId, { types: JOURNALED, runId: executionId, limit: MAX_ENTRIES })) as LogEvent[];
    const steps = logged.flatMap((event) => {
      const record = recordOf(event, executionId);
      return record ? [{ event, record }] : [];
    });
    // One question at a time: the last one asked, unless its answer came after it (a question asked again, or one
    // superseding an older one with the same ordinal after a deploy, is asked after that one's answer).
    let pending: LogEvent | null = null;
    let pendingOrdinal = -1;
    for (const { event, record } of steps) {
      if (record.kind === 'request') [pending, pendingOrdinal] = [event, record.ordinal];
      else if (record.kind === 'answer' && record.ordinal === pendingOrdinal) pending = null;
    }
    return { executionId, route, message, journal: steps.map(({ record }) => record), pending };
  }
}
