import type { ModelMessage } from 'ai';
import type { Action } from '../agent/actions/action';
import type { ActionTreeNode } from '../agent/actions/action-usage';
import type { ActionSpec } from '../agent/actions/action.decorators';
import type { InteractiveContext } from '../agent/actions/interactive-context';
import type { JournalScope } from './journal-scope';

/** What the tree needs of the execution's context: its journaled effects, in a scope. */
export interface TreeHost extends InteractiveContext {
  /** A step recorded once: `notify` payloads, and the calls and results of actions. */
  onceIn(scope: JournalScope, kind: 'notify' | 'call' | 'result', data: unknown): Promise<void>;
  addMessageIn(scope: JournalScope, role: 'user' | 'assistant', content: string): Promise<void>;
  assertLive(): void;
}

/** One action as it runs in the tree: where it sits, its journal scope, and what it tells the model and its parent. */
export interface Frame {
  action: Action;
  spec: ActionSpec;
  node: ActionTreeNode;
  path: string;
  scope: JournalScope;
  /** What this action's choices add to the session's conversation: messages added, earlier rounds' calls and results. */
  messages: ModelMessage[];
  /** The messages this action and its children added, reported to the parent as this action's result. */
  added: string[];
}
