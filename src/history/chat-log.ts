import type { StepType } from '../agent/run-events';

/**
 * What a chat's event log holds, per entry type. History, replay and audit read these; token deltas are
 * never stored (they are per-token work and the steps carry the same text).
 */
export type ChatLogEntry =
  | { type: 'user.message'; payload: { messageId: string; content: string } }
  | { type: 'agent.step'; payload: { messageId: string; runId: string; stepType: StepType; content: string } }
  | { type: 'run.ended'; payload: { messageId: string; runId: string; outcome: 'finished' | 'failed' | 'cancelled'; error?: string } }
  /** A human operator's reply in a handed-off conversation. */
  | { type: 'operator.message'; payload: { operatorId: string; content: string } }
  /** The conversation changed hands (agent → operator on handoff, operator → agent on release). */
  | { type: 'status.changed'; payload: { status: 'active' | 'handoff'; by: string } }
  /** An interactive agent began handling a session's message on a route. */
  | { type: 'session.started'; payload: { executionId: string; route: string; message: string } }
  /** One journaled step of an interactive execution (a model choice, a question, an answer, a notification…). */
  | { type: 'journal'; payload: JournalRecord }
  | { type: 'session.finished'; payload: { executionId: string; outcome: 'finished' | 'failed'; error?: string } };

export type JournalKind = 'choice' | 'request' | 'answer' | 'notify' | 'message';

export interface JournalRecord {
  executionId: string;
  kind: JournalKind;
  /** 0, 1, 2, … per kind within the execution, in call order: how a replay finds what was recorded. */
  ordinal: number;
  data: unknown;
}

export type ChatLogType = ChatLogEntry['type'];
