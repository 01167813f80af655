import type { z } from 'zod';
import type { AuthUser } from '../../auth/auth-user';
import type { Action, ActionClass, ActionReturn } from './action';
import type { ActionLlm } from './action-llm';
import type { ActionTreeNode } from './action-usage';
import { AgentError, AgentErrorCode } from '../agent.error';

/** What the client sends while an action waits: `{"type":"chat","message":"16","metadata":null}`. */
export interface ChatInput {
  type: 'chat';
  message: string;
  metadata: unknown;
}

/**
 * `schema` checks the answer's `{ message, metadata }`: an answer that fails it is not returned, the client is
 * asked the same question again with `error: { code: 'input.invalid', message }` added. `timeoutMs`: none unless
 * given (or INTERACTIVE_INPUT_TIMEOUT_MS is set).
 */
export interface InputOptions<Schema extends z.ZodType = z.ZodType> {
  schema?: Schema;
  timeoutMs?: number;
}

/** An answer that passed the question's schema; `value` is what the schema made of `{ message, metadata }`. */
export type TypedInput<Value> = ChatInput & { value: Value };

export interface SerializedAction {
  name: string;
  fields: Record<string, unknown>;
}

/** `waitForInput` got no answer in time; an action may catch it (and, say, notify and end). */
export class InputTimeoutError extends AgentError {
  constructor(readonly timeoutMs: number) {
    super(AgentErrorCode.InputTimeout, `No answer arrived within ${timeoutMs} ms`);
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
  /** Sends `payload` to the client and resolves with its next chat message (the first that fits `schema`, when given). */
  waitForInput(payload: unknown, options?: { timeoutMs?: number }): Promise<ChatInput>;
  waitForInput<Schema extends z.ZodType>(payload: unknown, options: InputOptions<Schema> & { schema: Schema }): Promise<TypedInput<z.output<Schema>>>;
  notify(payload: unknown): Promise<void>;
  /** Adds a message to the session's history (`GET /history/{session_id}`); the model sees it in later choices. */
  addMessage(role: 'user' | 'assistant', content: string): Promise<void>;
  /**
   * Runs an action with `args` as its fields: its `pre`, the children the model picks (or a plain answer), its
   * `post`. Returns the action that ran last and the result. Called from a hook, the action runs as a child of it.
   */
  start(actionClass: ActionClass, args?: Record<string, unknown>): Promise<[Action, ActionReturn]>;
  /** With actions: `[{ name, fields }]` for each. Without: the tree of everything that ran, one node per `start`. */
  serialize(actions: Action[]): SerializedAction[];
  serialize(): ActionTreeNode[];
  /** The configured model, for the action's own work (journaled, its tokens counted for the action). */
  readonly llm: ActionLlm;
}
