import type { AuthUser } from '../../auth/auth-user';
import type { Action, ActionClass, ActionReturn } from './action';

/** What the client sends while an action waits: `{"type":"chat","message":"16","metadata":null}`. */
export interface ChatInput {
  type: 'chat';
  message: string;
  metadata: unknown;
}

export interface SerializedAction {
  name: string;
  fields: Record<string, unknown>;
}

/** `waitForInput` got no answer in time; an action may catch it (and, say, notify and end). */
export class InputTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No answer arrived within ${timeoutMs} ms`);
    this.name = 'InputTimeoutError';
  }
}

/**
 * What an interactive agent and its actions can do with the connected client and the session. Every
 * call is journaled, so a session interrupted by a disconnect or a restart resumes where it waited.
 */
export interface InteractiveContext {
  readonly sessionId: string;
  /** The message the session started with (`?message=`). */
  readonly message: string;
  readonly user: AuthUser;
  /** Sends `payload` to the client and resolves with its next chat message. */
  waitForInput(payload: unknown, options?: { timeoutMs?: number }): Promise<ChatInput>;
  notify(payload: unknown): Promise<void>;
  /** Adds a message to the session's history (`GET /history/{session_id}`). */
  addMessage(role: 'user' | 'assistant', content: string): Promise<void>;
  /** Runs an action: its `pre`, the child the model picks (or a plain answer), its `post`. Returns the action that ran last. */
  start(actionClass: ActionClass): Promise<[Action, ActionReturn]>;
  serialize(actions: Action[]): SerializedAction[];
}
