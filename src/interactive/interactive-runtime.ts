import type { z } from 'zod';
import type { Action, ActionClass, ActionReturn } from '../agent/actions/action';
import type { ActionLlm } from '../agent/actions/action-llm';
import type { ActionTreeNode } from '../agent/actions/action-usage';
import type { ChatInput, InputOptions, SerializedAction, TypedInput } from '../agent/actions/interactive-context';
import type { ActionRun } from '../agent/engine/action-run';
import type { JournalRef } from '../agent/journal-ref';
import type { AuthUser } from '../auth/auth-user';
import type { ActionServices } from './action-services';
import type { TreeHost } from './action-frame';
import { ActionTree } from './action-tree';
import { JournalScope } from './journal-scope';
import type { SessionChannel } from './session-channel';
import type { SessionJournal } from './session-journal';
import { checkAnswer, journalTimeout, reasked, replayedAnswer, sameQuestion } from './typed-answer';

export interface RuntimeDeps {
  /** The run the execution is: its events, model, clock and signal. */
  run: ActionRun;
  /** Its steps are the run's events (SessionExecutions gives it a writer that emits them). */
  journal: SessionJournal;
  channel: SessionChannel;
  services: ActionServices;
  /** Logs an `addMessage('user', …)`: a history entry, not a run event. */
  writeUserMessage(messageId: string, content: string, journal: JournalRef): Promise<void>;
  defaultTimeoutMs: number;
}

/** The InteractiveContext of one execution; every effect is a run event, journaled so it can be replayed. */
export class InteractiveRuntime implements TreeHost {
  private readonly scope: JournalScope;
  private readonly tree: ActionTree;

  constructor(
    readonly sessionId: string,
    readonly message: string,
    readonly user: AuthUser,
    private readonly deps: RuntimeDeps,
  ) {
    this.scope = new JournalScope(deps.journal, null);
    this.tree = new ActionTree(this, deps.services, this.scope, deps.run);
  }

  waitForInput(payload: unknown, options?: { timeoutMs?: number }): Promise<ChatInput>;
  waitForInput<Schema extends z.ZodType>(payload: unknown, options: InputOptions<Schema> & { schema: Schema }): Promise<TypedInput<z.output<Schema>>>;
  async waitForInput(payload: unknown, options: InputOptions = {}): Promise<ChatInput | TypedInput<unknown>> {
    const { journal, channel } = this.deps;
    for (let question = payload; ; ) {
      this.assertLive();
      const ordinal = journal.take('request');
      // A recorded answer stands only for the question it answered: the code may ask another one since a deploy.
      const asked = journal.has('request', ordinal) && sameQuestion(journal.get('request', ordinal), question);
      let input: ChatInput;
      if (asked && journal.has('answer', ordinal)) {
        input = replayedAnswer(journal.get('answer', ordinal));
      } else {
        // A question recorded without its answer is the one the session waits on: ask it again, don't record it twice.
        // A different one recorded here is superseded, with everything after it (SessionJournal), an early answer too.
        // One recorded before executions ran as runs is logged again as `input.requested`, so it is listed as waiting.
        const timeoutMs = options.timeoutMs ?? this.deps.defaultTimeoutMs;
        if (!asked || journal.isLegacy('request', ordinal)) {
          if (!asked && journal.has('request', ordinal)) channel.dropEarly();
          // A question with a timeout says when it expires: a recovery must resume it to honour that, not let it sleep.
          await journal.write('request', ordinal, question, null, timeoutMs > 0 ? { expiresAt: Date.now() + timeoutMs } : undefined);
        }
        input = await this.deps.run
          .waitForHuman(channel.ask(timeoutMs))
          .catch((error: unknown) => journalTimeout(error, (data) => journal.write('answer', ordinal, data)));
        this.assertLive();
        // Journaled before it is checked, refused ones too: a replay re-checks it and takes the same path.
        await journal.write('answer', ordinal, input);
      }
      const checked = checkAnswer(options.schema, input);
      if (checked.ok) return checked.input;
      question = reasked(payload, checked.problems);
    }
  }

  async notify(payload: unknown): Promise<void> {
    await this.onceIn(this.scope, 'notify', payload);
  }

  async addMessage(role: 'user' | 'assistant', content: string): Promise<void> {
    await this.addMessageIn(this.scope, role, content);
  }

  start(actionClass: ActionClass, args: Record<string, unknown> = {}): Promise<[Action, ActionReturn]> {
    return this.tree.start(actionClass, args, null);
  }

  serialize(actions: Action[]): SerializedAction[];
  serialize(): ActionTreeNode[];
  serialize(actions?: Action[]): SerializedAction[] | ActionTreeNode[] {
    return this.tree.serialize(actions);
  }

  /** The model for the agent function's own work; its tokens count for no action. */
  get llm(): ActionLlm {
    return this.tree.llm(null);
  }

  async onceIn(scope: JournalScope, kind: 'notify' | 'call' | 'result', data: unknown): Promise<void> {
    this.assertLive();
    const ordinal = scope.take(kind);
    if (scope.has(kind, ordinal)) return;
    // Journaled is sent: the client gets a notification from the event log.
    await scope.write(kind, ordinal, data);
  }

  async addMessageIn(scope: JournalScope, role: 'user' | 'assistant', content: string): Promise<void> {
    this.assertLive();
    const ordinal = scope.take('message');
    if (scope.has('message', ordinal)) return;
    const kind = scope.kind('message');
    const journal: JournalRef = { kind, ordinal };
    const { run } = this.deps;
    // A user message's id names its step: each is a message of its own in the history.
    const messageId = `${scope.executionId}:${kind === 'message' ? '' : `${kind}:`}${ordinal}`;
    await scope.write('message', ordinal, null, () =>
      role === 'user'
        ? this.deps.writeUserMessage(messageId, content, journal)
        : run.emit({ type: 'step.finished', step: run.step, stepType: 'FinalAnswerStep', content, journal }),
    );
  }

  /** An execution given up (its deadline passed) may still be running the agent's code: it records nothing more. */
  assertLive(): void {
    this.deps.run.signal.throwIfAborted();
  }
}

