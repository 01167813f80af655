import type { ModelMessage } from 'ai';
import { ActionReturn, type Action, type ActionClass } from '../agent/actions/action';
import type { ActionChoice, ChosenCall } from '../agent/actions/action-chooser';
import { checkActionArgs } from '../agent/actions/action-args';
import type { ActionLlm } from '../agent/actions/action-llm';
import { addUsage, noUsage, type ActionTreeNode, type ActionUsage } from '../agent/actions/action-usage';
import { actionSpec, type ActionSpec } from '../agent/actions/action.decorators';
import type { InteractiveContext, SerializedAction } from '../agent/actions/interactive-context';
import { RunSuspended, type ActionRun } from '../agent/engine/action-run';
import { ActionContext } from './action-context';
import type { Frame, TreeHost } from './action-frame';
import type { ActionServices } from './action-services';
import type { CallRecord, ResultRecord } from './journal-events';
import type { JournalScope } from './journal-scope';
import { JournaledModel } from './journaled-model';

interface Outcome {
  last: Action;
  result: ActionReturn;
  added: string[];
}

type Chosen = { call: ChosenCall; actionClass: ActionClass; values: Record<string, unknown> };
/** A choice journaled before several children could be chosen at once. */
type LegacyChoice = { kind: 'action'; name: string; args: Record<string, unknown> };

// The model gets one more try when its arguments break an action's rules, told what was wrong.
const CHOICE_ATTEMPTS = 2;

/** Runs actions for one execution: hooks, choices, children in order or concurrently, loops; builds the tree of what ran. */
export class ActionTree {
  private readonly roots: ActionTreeNode[] = [];
  private readonly unattributed: ActionUsage = noUsage();
  private earlier: Promise<ModelMessage[]> | null = null;
  private readonly model: JournaledModel;

  constructor(
    private readonly host: TreeHost,
    private readonly services: ActionServices,
    private readonly rootScope: JournalScope,
    private readonly run: ActionRun,
  ) {
    this.model = new JournaledModel(run, () => host.assertLive());
  }

  async start(actionClass: ActionClass, args: Record<string, unknown>, parent: Frame | null): Promise<[Action, ActionReturn]> {
    const checked = await checkActionArgs(actionClass, args);
    if (!checked.ok) throw new Error(`The arguments for ${actionSpec(actionClass).name} are invalid: ${checked.problems.join('; ')}`);
    const outcome = await this.runAction(actionClass, checked.values, parent, false, null);
    if (parent) parent.added.push(...outcome.added);
    return [outcome.last, outcome.result];
  }

  serialize(actions?: Action[]): SerializedAction[] | ActionTreeNode[] {
    if (!actions) return structuredClone(this.roots);
    return actions.map((action) => {
      const spec = actionSpec(action.constructor as ActionClass);
      return { name: spec.name, fields: fieldValues(spec, action) };
    });
  }

  llm(frame: Frame | null): ActionLlm {
    return this.model.llm(frame?.scope ?? this.rootScope, frame?.node.usage ?? this.unattributed);
  }

  async notify(frame: Frame, payload: unknown): Promise<void> {
    await this.host.onceIn(frame.scope, 'notify', payload);
  }

  async addMessage(frame: Frame, role: 'user' | 'assistant', content: string): Promise<void> {
    await this.host.addMessageIn(frame.scope, role, content);
    frame.messages.push({ role, content });
    frame.added.push(content);
  }

  /** `callId`: the model's id for the call that chose it; null when code started it (or it was the only choice). */
  private async runAction(actionClass: ActionClass, args: Record<string, unknown>, parent: Frame | null, concurrent: boolean, callId: string | null): Promise<Outcome> {
    const spec = actionSpec(actionClass);
    const action = Object.assign(this.services.create(actionClass), args);
    // Placed in the tree before anything awaits, so concurrent siblings get their places in the order chosen.
    const siblings = parent ? parent.node.actions : this.roots;
    const node: ActionTreeNode = { name: spec.name, args: fieldValues(spec, action), usage: noUsage(), actions: [] };
    siblings.push(node);
    const path = parent ? `${parent.path}.${siblings.length - 1}` : `${siblings.length - 1}`;
    const inherited = parent?.scope ?? this.rootScope;
    const scope = concurrent ? inherited.nested(path) : inherited;
    const frame: Frame = { action, spec, node, path, scope, messages: parent ? [...parent.messages] : [], added: [] };
    const context = new ActionContext(this, this.host, frame);
    const call: CallRecord = { callId: callId ?? `${spec.name}@${path}`, tool: spec.name, args: node.args };
    await this.host.onceIn(scope, 'call', call);
    let result: ActionReturn;
    let last: Action = action;
    try {
      ({ last, result } = await this.body(frame, context));
    } catch (error) {
      node.result = 'failed';
      // A stopped execution is not the action's to recover from: it resumes elsewhere, or it is over.
      if (!action.onError || this.run.signal.aborted || error instanceof RunSuspended) throw error;
      result = await action.onError(context, error);
    }
    node.result = result;
    const ended: ResultRecord = { callId: call.callId, tool: call.tool, ok: true, output: result };
    await this.host.onceIn(scope, 'result', ended);
    return { last, result, added: frame.added };
  }

  private async body(frame: Frame, context: InteractiveContext): Promise<Omit<Outcome, 'added'>> {
    const { action, spec } = frame;
    const before = action.pre ? await action.pre(context) : ActionReturn.GO;
    if (before !== ActionReturn.GO) return { last: action, result: before };
    let last = action;
    const maxIterations = Math.max(1, (action.constructor as ActionClass).maxIterations);
    for (let iteration = 1; spec.children.length > 0; iteration += 1) {
      const choice = iteration === 1 && onlyChildWithoutFields(spec) ? autoChoice(spec) : await this.choose(frame, spec.children);
      if (choice.kind === 'text') {
        const answered = await this.fallback(frame, context, choice.text);
        if (answered !== ActionReturn.GO) return { last, result: answered };
        break;
      }
      const round = await this.runRound(frame, choice.chosen);
      last = round.last ?? last;
      if (round.result === ActionReturn.END) return { last, result: ActionReturn.END };
      if (round.result === ActionReturn.BREAK) break;
      if (iteration >= maxIterations) {
        if (maxIterations === 1) break;
        const ended = await this.maxedOut(frame, context);
        if (ended !== ActionReturn.GO) return { last, result: ended };
        break;
      }
    }
    const after = action.post ? await action.post(context) : ActionReturn.GO;
    return { last, result: after };
  }

  /** One turn's children: in the order chosen, or all at once for a concurrent parent; then their calls and results join the parent's conversation. */
  private async runRound(frame: Frame, chosen: Chosen[]): Promise<{ last: Action | null; result: ActionReturn }> {
    const ran: Array<{ chosen: Chosen; outcome: Outcome }> = [];
    if ((frame.action.constructor as ActionClass).concurrent && chosen.length > 1) {
      const settled = await Promise.allSettled(chosen.map((each) => this.runAction(each.actionClass, each.values, frame, true, each.call.id)));
      const failed = settled.find((each) => each.status === 'rejected');
      if (failed) throw failed.reason;
      settled.forEach((each, index) => ran.push({ chosen: chosen[index]!, outcome: (each as PromiseFulfilledResult<Outcome>).value }));
    } else {
      for (const each of chosen) {
        const outcome = await this.runAction(each.actionClass, each.values, frame, false, each.call.id);
        ran.push({ chosen: each, outcome });
        if (outcome.result !== ActionReturn.GO) break;
      }
    }
    frame.messages.push(
      { role: 'assistant', content: ran.map(({ chosen: { call } }) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.name, input: call.args })) },
      {
        role: 'tool',
        content: ran.map(({ chosen: { call }, outcome }) => ({
          type: 'tool-result' as const,
          toolCallId: call.id,
          toolName: call.name,
          output: { type: 'json' as const, value: { result: outcome.result, messages: outcome.added } },
        })),
      },
    );
    for (const { outcome } of ran) frame.added.push(...outcome.added);
    const results = ran.map(({ outcome }) => outcome.result);
    const result = results.includes(ActionReturn.END) ? ActionReturn.END : results.includes(ActionReturn.BREAK) ? ActionReturn.BREAK : ActionReturn.GO;
    return { last: ran.at(-1)?.outcome.last ?? null, result };
  }

  private fallback(frame: Frame, context: InteractiveContext, text: string): Promise<ActionReturn> {
    if (frame.action.fallback) return frame.action.fallback(context, text);
    return (async () => {
      await this.addMessage(frame, 'assistant', text);
      await this.notify(frame, { message: text });
      return ActionReturn.GO;
    })();
  }

  /** The loop ran out: the action's own hook, or a last question to the model, answered in words. */
  private async maxedOut(frame: Frame, context: InteractiveContext): Promise<ActionReturn> {
    if (frame.action.onMaxIterations) return frame.action.onMaxIterations(context);
    const choice = await this.recordedChoice(frame, [], null);
    return choice.kind === 'text' ? this.fallback(frame, context, choice.text) : ActionReturn.GO;
  }

  /** The children the model picks, every one validated; or its answer in words. */
  private async choose(frame: Frame, children: ActionClass[]): Promise<{ kind: 'actions'; chosen: Chosen[] } | { kind: 'text'; text: string }> {
    const byName = new Map(children.map((child) => [actionSpec(child).name, child]));
    let feedback: string | null = null;
    for (let attempt = 1; ; attempt += 1) {
      const choice = await this.recordedChoice(frame, children, feedback);
      if (choice.kind === 'text') return choice;
      const checked = await Promise.all(
        choice.calls.map(async (call) => {
          const actionClass = byName.get(call.name);
          if (!actionClass) return { call, problems: [`there is no action named ${call.name}`] };
          const result = await checkActionArgs(actionClass, call.args);
          return result.ok ? { call, actionClass, values: result.values } : { call, problems: result.problems };
        }),
      );
      const refused = checked.filter((each) => 'problems' in each);
      if (refused.length === 0) return { kind: 'actions', chosen: checked as Chosen[] };
      const reasons = refused.map((each) => `${each.call.name} was refused: ${(each.problems ?? []).join('; ')}`);
      feedback = `Your choice ${reasons.join('. Your choice ')}. Choose again.`;
      if (attempt >= CHOICE_ATTEMPTS) {
        throw new Error(`The model's arguments for ${refused.map((each) => `${each.call.name} were invalid: ${(each.problems ?? []).join('; ')}`).join('; ')}`);
      }
    }
  }

  private async recordedChoice(frame: Frame, children: ActionClass[], feedback: string | null): Promise<ActionChoice> {
    const choice = (await this.model.choose(frame.scope, async () => {
      const messages: ModelMessage[] = [...(await this.conversation()), ...frame.messages, ...(feedback ? [{ role: 'user' as const, content: feedback }] : [])];
      return { context: contextOf(frame), messages, children: children.map(actionSpec) };
    })) as ActionChoice | LegacyChoice;
    const current: ActionChoice =
      choice.kind === 'action' ? { kind: 'actions', calls: [{ id: `${choice.name}-0`, name: choice.name, args: choice.args }], usage: noUsage() } : choice;
    addUsage(frame.node.usage, current.usage ?? noUsage());
    return current;
  }

  /** The session's earlier exchanges and its message: read once, and only when the model is really asked. */
  private async conversation(): Promise<ModelMessage[]> {
    this.earlier ??= this.services.earlierMessages(this.host.sessionId, this.rootScope.executionId);
    return [...(await this.earlier), { role: 'user', content: this.host.message }];
  }
}

function fieldValues(spec: ActionSpec, action: Action): Record<string, unknown> {
  const values = action as unknown as Record<string, unknown>;
  return Object.fromEntries(spec.fields.map((field) => [field.name, values[field.name]]));
}

/** The choosing action and its arguments, as context for the model. */
function contextOf(frame: Frame): string {
  const args = fieldValues(frame.spec, frame.action);
  const described = Object.keys(args).length > 0 ? ` with the arguments ${JSON.stringify(args)}` : '';
  return `You are choosing for the action ${frame.spec.name} (${frame.spec.description})${described}.`;
}

// A single child with nothing to fill in needs no model to choose it.
function onlyChildWithoutFields(spec: ActionSpec): boolean {
  return spec.children.length === 1 && actionSpec(spec.children[0]!).fields.length === 0;
}

function autoChoice(spec: ActionSpec): { kind: 'actions'; chosen: Chosen[] } {
  const actionClass = spec.children[0]!;
  const name = actionSpec(actionClass).name;
  return { kind: 'actions', chosen: [{ call: { id: `${name}-0`, name, args: {} }, actionClass, values: {} }] };
}
