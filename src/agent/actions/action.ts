import type { Type } from '@nestjs/common';
import type { InteractiveContext } from './interactive-context';

/**
 * What a hook tells the chain to do next:
 * - `GO`: carry on (the next hook, the chosen children, the parent's `post`).
 * - `BREAK`: stop this action here: its remaining hooks and children are skipped; the parent stops choosing
 *   (no further iteration, no further sibling in this round) and carries on with its `post`.
 * - `END`: stop everything: the whole `context.start(...)` chain ends with this result.
 */
export enum ActionReturn {
  GO = 'go',
  BREAK = 'break',
  END = 'end',
}

/**
 * An interactive action: a class whose fields the model fills in (like a tool call) and whose hooks may
 * talk to the client through the context. Declare it with `@InteractiveAction`; see docs/actions.md.
 * Its constructor may take Nest providers: actions are built through the application's injector.
 */
export abstract class Action {
  /** Children chosen together in one turn run at the same time rather than one after another. */
  static concurrent = false;
  /** How many times the model is asked to choose children; past the first, it sees what the last ones did. */
  static maxIterations = 1;

  /** Runs before the action's children are offered to the model. */
  pre?(context: InteractiveContext): Promise<ActionReturn>;
  /** Runs after the chosen children (if any) have finished. */
  post?(context: InteractiveContext): Promise<ActionReturn>;
  /** The model chose no child and answered in words. Without it: the text is notified as `{message}` and added to the history. */
  fallback?(context: InteractiveContext, text: string): Promise<ActionReturn>;
  /** An error in this action or a child that did not handle it: return a result to recover, or rethrow. */
  onError?(context: InteractiveContext, error: unknown): Promise<ActionReturn>;
  /** Looped `maxIterations` times and the model still chose children. Without it (and `maxIterations` > 1): the model is asked for a final answer in words, which goes to `fallback`. */
  onMaxIterations?(context: InteractiveContext): Promise<ActionReturn>;
}

export type ActionClass<T extends Action = Action> = Type<T> & Pick<typeof Action, 'concurrent' | 'maxIterations'>;
