import type { ModelMessage } from 'ai';
import type { ToolCallRequest } from '../engine/tool-executor';
import type { AgentTool } from '../tools/agent-tool';

/**
 * What a model call offers: an agent's tools (a zod schema), or an interactive execution's actions (a JSON
 * schema built from their fields). The model only picks and fills them in; the engine runs them.
 */
export type ModelTool = AgentTool | ActionOffer;

export interface ActionOffer {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

export interface TurnRequest {
  system: string;
  messages: ModelMessage[];
  /** Empty: the model must answer in words (planning, or the forced final answer). */
  tools: readonly ModelTool[];
  signal: AbortSignal;
}

export interface ModelTurn {
  text: string;
  calls: ToolCallRequest[];
  /** Token counts as the provider reported them (0 when it reported none). */
  inputTokens: number;
  outputTokens: number;
  /** The model that answered, as the provider names it. */
  modelId?: string;
}

/**
 * One streamed model call: yields text deltas as they arrive and returns the whole text and the tool calls.
 * Tools are offered without running them, so the engine, not the library, runs and logs them. Aborting the
 * signal ends it with the signal's reason; a provider failure ends it with an error `providerError` can read.
 */
export interface TurnStreamer {
  stream(request: TurnRequest): AsyncGenerator<string, ModelTurn>;
}
