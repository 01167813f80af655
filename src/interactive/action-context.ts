import type { z } from 'zod';
import type { Action, ActionClass, ActionReturn } from '../agent/actions/action';
import type { ActionLlm } from '../agent/actions/action-llm';
import type { ActionTreeNode } from '../agent/actions/action-usage';
import type { ChatInput, InputOptions, InteractiveContext, SerializedAction, TypedInput } from '../agent/actions/interactive-context';
import type { Frame, TreeHost } from './action-frame';

/** What a hook's context asks of the tree it runs in. */
export interface FrameTree {
  llm(frame: Frame): ActionLlm;
  notify(frame: Frame, payload: unknown): Promise<void>;
  addMessage(frame: Frame, role: 'user' | 'assistant', content: string): Promise<void>;
  start(actionClass: ActionClass, args: Record<string, unknown>, parent: Frame): Promise<[Action, ActionReturn]>;
  serialize(actions?: Action[]): SerializedAction[] | ActionTreeNode[];
}

/** The context a hook gets: the execution's, seen from its action (its place in the tree, its journal scope). */
export class ActionContext implements InteractiveContext {
  constructor(
    private readonly tree: FrameTree,
    private readonly host: TreeHost,
    private readonly frame: Frame,
  ) {}

  get sessionId(): string {
    return this.host.sessionId;
  }

  get message(): string {
    return this.host.message;
  }

  get user(): InteractiveContext['user'] {
    return this.host.user;
  }

  get llm(): ActionLlm {
    return this.tree.llm(this.frame);
  }

  waitForInput(payload: unknown, options?: { timeoutMs?: number }): Promise<ChatInput>;
  waitForInput<Schema extends z.ZodType>(payload: unknown, options: InputOptions<Schema> & { schema: Schema }): Promise<TypedInput<z.output<Schema>>>;
  waitForInput(payload: unknown, options?: InputOptions): Promise<ChatInput> {
    if (this.frame.scope.isolated) {
      throw new Error(`${this.frame.spec.name} runs concurrently with its siblings and cannot ask the client: a session has one question at a time`);
    }
    return this.host.waitForInput(payload, options as InputOptions & { schema: z.ZodType });
  }

  notify(payload: unknown): Promise<void> {
    return this.tree.notify(this.frame, payload);
  }

  addMessage(role: 'user' | 'assistant', content: string): Promise<void> {
    return this.tree.addMessage(this.frame, role, content);
  }

  start(actionClass: ActionClass, args: Record<string, unknown> = {}): Promise<[Action, ActionReturn]> {
    return this.tree.start(actionClass, args, this.frame);
  }

  serialize(actions: Action[]): SerializedAction[];
  serialize(): ActionTreeNode[];
  serialize(actions?: Action[]): SerializedAction[] | ActionTreeNode[] {
    return this.tree.serialize(actions);
  }
}
