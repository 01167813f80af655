import type { ResolvedModel } from '../models/model-provider';
import type { ModelTurn, TurnRequest } from '../models/turn-streamer';

export type { ModelTurn } from '../models/turn-streamer';

export interface ModelTurnRequest extends TurnRequest {
  model: ResolvedModel;
}

/**
 * One model call, streamed: yields text deltas as they arrive and returns the whole text and the tool
 * calls. The model's own streamer runs it; this adds no generator of its own, so no hop per token.
 */
export function streamModelTurn(request: ModelTurnRequest): AsyncGenerator<string, ModelTurn> {
  return request.model.streamer.stream(request);
}
