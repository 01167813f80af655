import type { RunEventBody } from '../agent/run-events';

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
  | { type: 'user.message'; payload: { messageId: string; content: string; meta?: Record<string, unknown> } }
  | RunEventEntry
  /** The conversation is with a human operator: the message was stored for them and no run follows. */
  | { type: 'turn.held'; payload: { messageId: string } }
  /** A human operator's reply in a handed-off conversation. */
  | { type: 'operator.message'; payload: { operatorId: string; content: string } }
  /** The conversation changed hands (agent → operator on handoff, operator → agent on release). */
  | { type: 'status.changed'; payload: { status: 'active' | 'handoff'; by: string } }
  /** An interactive agent began handling a session's message on a route. */
  | { type: 'session.started'; payload: { executionId: string; route: string; message: string } }
  /** One journaled step of an interactive execution (a model choice, a question, an answer, a notification…). */
  | { type: 'journal'; payload: JournalRecord }
  | { type: 'session.finished'; payload: { executionId: string; outcome: 'finished' | 'failed'; error?: { code: string; message: string } } };

/** Inside a concurrent child its own steps carry its scope: `llm@0.1` (see docs/actions.md, concurrency). */
export type ScopableKind = 'choice' | 'notify' | 'message' | 'llm';
export type JournalKind = ScopableKind | 'request' | 'answer' | `${ScopableKind}@${string}`;

/** `notify@0.1` → `notify`: what a step is, whichever scope recorded it. */
export function baseKind(kind: JournalKind): string {
  return kind.split('@')[0]!;
}

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
