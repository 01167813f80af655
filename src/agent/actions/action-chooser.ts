import type { ModelMessage } from 'ai';
import type { ActionRun } from '../engine/action-run';
import type { ModelTurn } from '../models/turn-streamer';
import type { ActionOffer } from '../models/turn-streamer';
import type { ActionSpec } from './action.decorators';
import { actionJsonSchema } from './action.decorators';
import type { ActionUsage } from './action-usage';

export interface ChosenCall {
  /** The model's id for the call, which the results of a loop refer to. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export type ActionChoice = { kind: 'actions'; calls: ChosenCall[]; usage: ActionUsage } | { kind: 'text'; text: string; usage: ActionUsage };

export interface ChoiceRequest {
  /** What the choosing action is and its arguments: context for the model, after the routing instruction. */
  context: string;
  /** The conversation: the session's earlier messages, its message, and what the actions added since. */
  messages: ModelMessage[];
  /** The children on offer; none asks for a final answer in words. */
  children: ActionSpec[];
}

const SYSTEM =
  'You route a user message to the offered actions, filling in their fields: call one, or several when the message asks for several things (they run in the order you call them). When none fits, or the actions already did what was asked, answer the user directly and briefly.';
const FINAL = 'Answer the user directly and briefly, from what the actions did.';

/** Asks the run's model (one step of the run, as any agent's) which children fit; or for its answer in words. */
export async function chooseActions(run: ActionRun, request: ChoiceRequest): Promise<ActionChoice> {
  const system = `${request.children.length > 0 ? SYSTEM : FINAL}\n\n${request.context}`;
  const turn = await run.complete({ system, messages: request.messages, tools: request.children.map(actionOffer) });
  const usage = turnUsage(turn);
  if (turn.calls.length > 0) {
    const calls = turn.calls.map((call) => ({ id: call.callId, name: call.tool, args: (call.args ?? {}) as Record<string, unknown> }));
    return { kind: 'actions', calls, usage };
  }
  return { kind: 'text', text: turn.text, usage };
}

export function turnUsage(turn: Pick<ModelTurn, 'inputTokens' | 'outputTokens'>): ActionUsage {
  return { calls: 1, inputTokens: turn.inputTokens, outputTokens: turn.outputTokens, totalTokens: turn.inputTokens + turn.outputTokens };
}

// One offer per action class for the server's life, keyed by its schema (built once per class; a spec is not kept),
// so the provider layer converts it once (tool-schemas.ts caches by offer).
const offers = new WeakMap<object, ActionOffer>();

function actionOffer(spec: ActionSpec): ActionOffer {
  const parameters = actionJsonSchema(spec) as Record<string, unknown>;
  let offer = offers.get(parameters);
  if (!offer) {
    offer = { name: spec.name, description: spec.description, parameters };
    offers.set(parameters, offer);
  }
  return offer;
}
