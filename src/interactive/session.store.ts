import { Injectable } from '@nestjs/common';
import type { ChatLogEntry, JournalRecord } from '../history/chat-log';
import { HistoryRepository, type NewChatEvent } from '../history/history.repository';

export interface UnfinishedExecution {
  executionId: string;
  route: string;
  message: string;
  journal: JournalRecord[];
}

// A session's whole life is read back to resume it; this bounds a pathological one.
const MAX_ENTRIES = 5000;

/** Persists interactive sessions in the chat event log: starts, journal steps, history messages, ends. */
@Injectable()
export class SessionStore {
  constructor(private readonly history: HistoryRepository) {}

  /** The session's owner, claiming it for `userId` when it is new. */
  claim(sessionId: string, userId: string): Promise<string> {
    return this.history.claimChat(sessionId, userId);
  }

  async begin(sessionId: string, executionId: string, route: string, message: string): Promise<void> {
    await this.write(sessionId, executionId, [
      { type: 'session.started', payload: { executionId, route, message } },
      { type: 'user.message', payload: { messageId: executionId, content: message } },
    ]);
  }

  /** A journal step, and the history entry it adds when it is an `addMessage`, in one atomic append. */
  async journal(sessionId: string, record: JournalRecord, history?: ChatLogEntry): Promise<void> {
    await this.write(sessionId, record.executionId, [{ type: 'journal', payload: record }, ...(history ? [history] : [])]);
  }

  async finish(sessionId: string, executionId: string, outcome: 'finished' | 'failed', error?: string): Promise<void> {
    await this.write(sessionId, executionId, [{ type: 'session.finished', payload: { executionId, outcome, ...(error ? { error } : {}) } }]);
  }

  /** The session's last execution when it has not finished (a restart or a crash interrupted it). */
  async unfinished(sessionId: string): Promise<UnfinishedExecution | null> {
    const events = await this.history.list(sessionId, { types: ['session.started', 'session.finished', 'journal'], limit: MAX_ENTRIES });
    const entries = events.map((event) => ({ type: event.type, payload: event.payload }) as ChatLogEntry);
    const started = entries.findLast((entry) => entry.type === 'session.started');
    if (started?.type !== 'session.started') return null;
    const { executionId, route, message } = started.payload;
    if (entries.some((entry) => entry.type === 'session.finished' && entry.payload.executionId === executionId)) return null;
    const journal = entries.flatMap((entry) => (entry.type === 'journal' && entry.payload.executionId === executionId ? [entry.payload] : []));
    return { executionId, route, message, journal };
  }

  private async write(sessionId: string, executionId: string, entries: ChatLogEntry[]): Promise<void> {
    const events: NewChatEvent[] = entries.map((entry) => ({ type: entry.type, runId: executionId, payload: entry.payload }));
    await this.history.append(sessionId, events);
  }
}
