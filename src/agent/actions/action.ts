import type { InteractiveContext } from './interactive-context';

/**
 * What a hook tells the chain to do next:
 * - `GO`: carry on (the next hook, the chosen child action, the parent's `post`).
 * - `BREAK`: stop this action here: its remaining hooks and children are skipped; the parent carries on.
 * - `END`: stop everything: the whole `context.start(...)` chain ends with this result.
 */
export enum ActionReturn {
  GO = 'go',
  BREAK = 'break',
  END = 'end',
}

/**
 * An interactive action: a class whose fields the model fills in (like a tool call) and whose hooks may
 * talk to the client through the context. Declare it with `@InteractiveAction` and its fields with
 * `@ActionField` plus class-validator rules; see docs/actions.md.
 */
export abstract class Action {
  /** Runs before the action's children are offered to the model. */
  pre?(context: InteractiveContext): Promise<ActionReturn>;
  /** Runs after the chosen child (if any) has finished. */
  post?(context: InteractiveContext): Promise<ActionReturn>;
}

export type ActionClass<T extends Action = Action> = new () => T;
