import type { RunEvent } from '../agent/run-events';

/** Which client message a run answers; protocols echo it (message_id, turn ids). */
export interface TurnRef {
  messageId: string;
}

export interface OperatorMessage {
  content: string;
  /** ISO 8601 UTC. */
  at: string;
}

/**
 * A connection's side of a conversation, in engine terms: every run event of every turn, in order, and
 * what a human operator says. Each protocol adapter implements it and translates to its wire format.
 */
export interface TurnSink {
  event(event: RunEvent, turn: TurnRef): void;
  /** The conversation is with a human operator: the turn was stored for them, and no run follows. */
  held(turn: TurnRef): void;
  operatorMessage(message: OperatorMessage): void;
}
