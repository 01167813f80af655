import { randomUUID } from 'node:crypto';
import { chunksOf } from '../../../common/chunks';
import { toolSchemaOf } from '../tool-schemas';
import type { ModelTurn, TurnRequest, TurnStreamer } from '../turn-streamer';
import { readMessages } from './builtin-prompt';
import { decide } from './builtin-rules';
import { BUILTIN_MODEL_ID } from './builtin-model';

/**
 * The built-in model's streamed calls without the AI SDK in between: its rules read the engine's messages and
 * the chunks are yielded as they are. The same rules answer through the AI SDK (BuiltinModel) for the calls the
 * engine does not stream; a spec checks that both paths give the same turn.
 */
export class BuiltinTurnStreamer implements TurnStreamer {
  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream(request: TurnRequest): AsyncGenerator<string, ModelTurn> {
    const schemas = new Map(request.tools.map((tool) => [tool.name, toolSchemaOf(tool).parameters as unknown]));
    const decision = decide(readMessages(request.system, request.messages), new Set(schemas.keys()), schemas);
    const output = decision.kind === 'text' ? decision.text : JSON.stringify(decision.input);
    // Estimated at four characters a token, as BuiltinModel does.
    const inputTokens = Math.ceil((request.system.length + JSON.stringify(request.messages).length) / 4);
    const turn: ModelTurn = { text: '', calls: [], inputTokens, outputTokens: Math.ceil(output.length / 4), modelId: BUILTIN_MODEL_ID };
    if (decision.kind === 'tool') {
      turn.calls.push({ callId: randomUUID(), tool: decision.name, args: decision.input });
      return turn;
    }
    for (const chunk of chunksOf(decision.text)) {
      request.signal.throwIfAborted();
      turn.text += chunk;
      yield chunk;
    }
    return turn;
  }
}
