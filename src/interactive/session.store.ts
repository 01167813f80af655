import { Injectable } from '@nestjs/common';
import type { ChatWriter } from '../event-log/chat-writer';
import type { ChatLogEntry, JournalRecord, LogEvent } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';

export interface UnfinishedExecution {
  executionId: string;
  route: string;
  message: string;
  journal: JournalRecord[];
  /** The logged question the execution waits on (asked, not answered); null when none. */
  pending: LogEvent | null;
}

// A session's whole life is read back to resume it; this bounds a pathological one.
const MAX_ENTRIES = 5000;

/** Persists interactive sessions in the chat event log, through the session's writer: starts, journal steps, ends. */
@Injectable()
export class SessionStore {
  constructor(private readonly history: HistoryRepository) {}

  /** The session's owner, claiming it for `userId` when it is new. */
  claim(sessionId: string, userId: string): Promise<string> {
    return this.history.claimChat(sessionId, userId);
  }

  owner(sessionId: string): Promise<string | null> {
    return this.history.findOwner(sessionId);
  }

  async begin(writer: ChatWriter, executionId: string, route: string, message: string): Promise<void> {
    await writer.append(
      [
        { type: 'session.started', runId: executionId, payload: { executionId, route, message } },
        { type: 'user.message', runId: executionId, payload: { messageId: executionId, content: message } },
      ],
      `session:${executionId}`,
    );
  }

  /** A journal step, and the history entry it adds when it is an `addMessage`, in one atomic append. */
  async journal(writer: ChatWriter, record: JournalRecord, history?: ChatLogEntry): Promise<void> {
    const runId = record.executionId;
    await writer.append([{ type: 'journal', runId, payload: record }, ...(history ? [{ ...history, runId }] : [])]);
  }

  async finish(writer: ChatWriter, executionId: string, outcome: 'finished' | 'failed', error?: { code: string; message: string }): Promise<void> {
    await writer.append([{ type: 'session.finished', runId: executionId, payload: { executionId, outcome, ...(error ? { error } : {}) } }], null);
  }

  /** The logged end of an execution; null while it runs. */
  async end(sessionId: string, executionId: string): Promise<LogEvent | null> {
    const [end] = await this.history.list(sessionId, { types: ['session.finished'], runId: executionId, limit: 1 });
    return end ? (end as LogEvent) : null;
  }

  /** The session's last execution when it has not finished (a restart or a crash interrupted it). */
  async unfinished(sessionId: string): Promise<UnfinishedExecution | null> {
    const events = await this.history.list(sessionId, { types: ['session.started', 'session.finished', 'journal'], limit: MAX_ENTRIES });
    const entries = events.map((event) => event as LogEvent);
    const started = entries.findLast((entry) => entry.type === 'session.started');
    if (started?.type !== 'session.started') return null;
    const { executionId, route, message } = started.payload;
    if (entries.some((entry) => entry.type === 'session.finished' && entry.payload.executionId === executionId)) return null;
    const records = entries.filter((entry) => entry.type === 'journal' && entry.payload.executionId === executionId) as Array<Extract<LogEvent, { type: 'journal' }>>;
    // One question at a time: the last one asked, unless its answer came after it (a question asked again, or one
    // superseding an older one with the same ordinal after a deploy, is asked after that one's answer).
    let pending: (typeof records)[number] | null = null;
    for (const record of records) {
      if (record.payload.kind === 'request') pending = record;
      else if (record.payload.kind === 'answer' && record.payload.ordinal === pending?.payload.ordinal) pending = null;
    }
    return { executionId, route, message, journal: records.map((entry) => entry.payload), pending };
  }
}
