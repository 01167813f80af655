import type { ModelMessage } from 'ai';
import type { ToolCallRequest } from '../engine/tool-executor';
import type { AgentTool } from '../tools/agent-tool';

export interface TurnRequest {
  system: string;
  messages: ModelMessage[];
  /** Empty: the model must answer in words (planning, or the forced final answer). */
  tools: AgentTool[];
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
