import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { ActionChoice, ActionChooser } from '../agent/actions/action-chooser';
import { ActionReturn, type Action, type ActionClass } from '../agent/actions/action';
import { actionSpec } from '../agent/actions/action.decorators';
import type { ChatInput, InteractiveContext, SerializedAction } from '../agent/actions/interactive-context';
import type { AuthUser } from '../auth/auth-user';
import type { ChatLogEntry } from '../history/chat-log';
import type { RunDeadline } from './run-deadline';
import type { SessionChannel } from './session-channel';
import type { SessionJournal } from './session-journal';

export interface RuntimeDeps {
  journal: SessionJournal;
  channel: SessionChannel;
  chooser: ActionChooser;
  /** Writes an `addMessage` into the session's history together with its journal step. */
  writeMessage(entry: ChatLogEntry, ordinal: number): Promise<void>;
  defaultTimeoutMs: number;
  /** RUN_TIMEOUT_MS, off the clock while a question waits for its answer. */
  deadline: RunDeadline;
  /** Aborted when the execution must stop: shutdown, a lost writer, or the deadline. */
  signal: AbortSignal;
}

// The model gets one more try when its arguments break an action's rules, told what was wrong.
const CHOICE_ATTEMPTS = 2;

/** The InteractiveContext of one execution; every effect goes through the journal so it can be replayed. */
export class InteractiveRuntime implements InteractiveContext {
  constructor(
    readonly sessionId: string,
    readonly message: string,
    readonly user: AuthUser,
    private readonly deps: RuntimeDeps,
  ) {}

  async waitForInput(payload: unknown, options: { timeoutMs?: number } = {}): Promise<ChatInput> {
    const { journal, channel } = this.deps;
    this.assertLive();
    const ordinal = journal.take('request');
    if (journal.has('answer', ordinal)) return journal.get<ChatInput>('answer', ordinal);
    // A question recorded without its answer is the one the session waits on: ask it again, don't record it twice.
    if (!journal.has('request', ordinal)) await journal.write('request', ordinal, payload);
    const input = await this.deps.deadline.offTheClock(channel.ask(options.timeoutMs ?? this.deps.defaultTimeoutMs));
    this.assertLive();
    await journal.write('answer', ordinal, input);
    return input;
  }

  async notify(payload: unknown): Promise<void> {
    const { journal } = this.deps;
    this.assertLive();
    const ordinal = journal.take('notify');
    if (journal.has('notify', ordinal)) return;
    // Journaled is sent: the client gets it from the event log.
    await journal.write('notify', ordinal, payload);
  }

  async addMessage(role: 'user' | 'assistant', content: string): Promise<void> {
    const { journal } = this.deps;
    this.assertLive();
    const ordinal = journal.take('message');
    if (journal.has('message', ordinal)) return;
    const messageId = `${journal.executionId}:${ordinal}`;
    const entry: ChatLogEntry =
      role === 'user'
        ? { type: 'user.message', payload: { messageId, content } }
        : { type: 'step.finished', payload: { messageId, step: 0, stepType: 'FinalAnswerStep', content } };
    await this.deps.writeMessage(entry, ordinal);
  }

  start(actionClass: ActionClass): Promise<[Action, ActionReturn]> {
    return this.run(actionClass, {});
  }

  serialize(actions: Action[]): SerializedAction[] {
    return actions.map((action) => {
      const spec = actionSpec(action.constructor as ActionClass);
      const values = action as unknown as Record<string, unknown>;
      return { name: spec.name, fields: Object.fromEntries(spec.fields.map((field) => [field.name, values[field.name]])) };
    });
  }

  private async run(actionClass: ActionClass, args: Record<string, unknown>): Promise<[Action, ActionReturn]> {
    const spec = actionSpec(actionClass);
    const action = Object.assign(new actionClass(), args);
    const before = action.pre ? await action.pre(this) : ActionReturn.GO;
    if (before !== ActionReturn.GO) return [action, before];
    let last: [Action, ActionReturn] = [action, ActionReturn.GO];
    if (spec.children.length > 0) {
      const chosen = await this.choose(spec.children);
      if (chosen) {
        last = await this.run(chosen.actionClass, chosen.args);
        if (last[1] === ActionReturn.END) return last;
      }
    }
    const after = action.post ? await action.post(this) : ActionReturn.GO;
    return after === ActionReturn.GO ? [last[0], ActionReturn.GO] : [last[0], after];
  }

  /** The child the model picks, validated; null when it answered in words (sent to the client as chat). */
  private async choose(children: ActionClass[]): Promise<{ actionClass: ActionClass; args: Record<string, unknown> } | null> {
    const byName = new Map(children.map((child) => [actionSpec(child).name, child]));
    let feedback: string | null = null;
    for (let attempt = 1; ; attempt += 1) {
      const choice = await this.recordedChoice(children, feedback);
      if (choice.kind === 'text') {
        await this.addMessage('assistant', choice.text);
        await this.notify({ message: choice.text });
        return null;
      }
      const actionClass = byName.get(choice.name);
      const problems = actionClass ? await validationProblems(actionClass, choice.args) : [`there is no action named ${choice.name}`];
      if (actionClass && problems.length === 0) return { actionClass, args: choice.args };
      feedback = `Your choice ${choice.name} was refused: ${problems.join('; ')}. Choose again.`;
      if (attempt >= CHOICE_ATTEMPTS) throw new Error(`The model's arguments for ${choice.name} were invalid: ${problems.join('; ')}`);
    }
  }

  /** An execution given up (its deadline passed) may still be running the agent's code: it records nothing more. */
  private assertLive(): void {
    this.deps.signal.throwIfAborted();
  }

  private async recordedChoice(children: ActionClass[], feedback: string | null): Promise<ActionChoice> {
    const { journal } = this.deps;
    const ordinal = journal.take('choice');
    if (journal.has('choice', ordinal)) return journal.get<ActionChoice>('choice', ordinal);
    const choice = await this.deps.chooser.choose(this.message, children.map(actionSpec), feedback, this.deps.signal);
    await journal.write('choice', ordinal, choice);
    return choice;
  }
}

async function validationProblems(actionClass: ActionClass, args: Record<string, unknown>): Promise<string[]> {
  const errors = await validate(plainToInstance(actionClass, args) as object, { whitelist: true, forbidNonWhitelisted: true });
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}
