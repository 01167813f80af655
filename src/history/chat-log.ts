import type { JournalKind, JournalRef } from '../agent/journal-ref';
import type { RunEventBody } from '../agent/run-events';

export { baseKind, type JournalKind, type ScopableKind } from '../agent/journal-ref';

type RunEventType = RunEventBody['type'];

/** A run event as the log stores it: its body, and the client message the run answers. */
export type RunEventEntry = {
  [K in RunEventType]: { type: K; payload: Omit<Extract<RunEventBody, { type: K }>, 'type'> & { messageId: string } };
}[RunEventType];

/**
 * What a chat's event log holds, per entry type: every event a client can see, in the order it saw it.
 * History, replay, `sync_chat_history` and audit all read these.
 */
export type ChatLogEntry =
  /** `meta`: what the client said about its message beyond the text (interact's replyTo, sessionId…), as sent. */
  /** `journal`: added by an interactive action (`addMessage`), where its execution's replay finds it. */
  | { type: 'user.message'; payload: { messageId: string; content: string; meta?: Record<string, unknown>; journal?: JournalRef } }
  | RunEventEntry
  /** The conversation is with a human operator: the message was stored for them and no run follows. */
  | { type: 'turn.held'; payload: { messageId: string } }
  /** A human operator's reply in a handed-off conversation. */
  | { type: 'operator.message'; payload: { operatorId: string; content: string } }
  /** The conversation changed hands (agent → operator on handoff, operator → agent on release). */
  | { type: 'status.changed'; payload: { status: 'active' | 'handoff'; by: string } }
  /**
   * Legacy: how interactive executions were logged before they ran as runs (read, never written any more, so
   * that an execution waiting on a question across the deploy that changed it resumes).
   */
  | { type: 'session.started'; payload: { executionId: string; route: string; message: string } }
  | { type: 'journal'; payload: JournalRecord }
  | { type: 'session.finished'; payload: { executionId: string; outcome: 'finished' | 'failed'; error?: { code: string; message: string } } };

export interface JournalRecord {
  executionId: string;
  kind: JournalKind;
  /** 0, 1, 2, … per kind within the execution, in call order: how a replay finds what was recorded. */
  ordinal: number;
  data: unknown;
}

export type ChatLogType = ChatLogEntry['type'];

/** An entry to append, with the run or execution it belongs to. */
export type NewLogEvent = ChatLogEntry & { runId: string | null };

/** An entry as stored: numbered within its chat. */
export type LogEvent = ChatLogEntry & { chatId: string; seq: number; runId: string | null; createdAt: Date };

export const RUN_END_TYPES = ['run.finished', 'run.failed', 'run.cancelled'] as const satisfies readonly ChatLogType[];

/** The entries after which a client message gets no more frames: its run's end, or its hand-over to an operator. */
export const MESSAGE_END_TYPES = [...RUN_END_TYPES, 'turn.held'] as const satisfies readonly ChatLogType[];

export function isRunEnd(type: string): boolean {
  return (RUN_END_TYPES as readonly string[]).includes(type);
}
