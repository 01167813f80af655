import { streamText, tool, type ModelMessage, type ToolSet } from 'ai';
import type { AgentTool } from '../tools/agent-tool';
import type { ResolvedModel } from '../models/model-provider';
import type { ToolCallRequest } from './tool-executor';

export interface ModelTurnRequest {
  model: ResolvedModel;
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
 * One model call, streamed: yields text deltas as they arrive and returns the whole text and the tool
 * calls. Tools are offered without `execute` so the engine, not the library, runs and logs them.
 */
export async function* streamModelTurn(request: ModelTurnRequest): AsyncGenerator<string, ModelTurn> {
  const tools: ToolSet = Object.fromEntries(
    request.tools.map((agentTool) => [agentTool.name, tool({ description: agentTool.description, inputSchema: agentTool.inputSchema })]),
  );
  const result = streamText({
    model: request.model.model,
    system: request.system,
    messages: request.messages,
    tools,
    toolChoice: request.tools.length > 0 ? 'auto' : 'none',
    abortSignal: request.signal,
    maxRetries: request.model.maxRetries,
    // Errors arrive as stream parts below; the library's default handler would only print them.
    onError: () => undefined,
  });
  const turn: ModelTurn = { text: '', calls: [], inputTokens: 0, outputTokens: 0 };
  for await (const part of result.fullStream) {
    switch (part.type) {
      case 'text-delta':
        if (part.text) {
          turn.text += part.text;
          yield part.text;
        }
        break;
      case 'tool-call':
        turn.calls.push({ callId: part.toolCallId, tool: part.toolName, args: part.input });
        break;
      case 'finish-step':
        turn.modelId = part.response.modelId;
        turn.inputTokens += part.usage.inputTokens ?? 0;
        turn.outputTokens += part.usage.outputTokens ?? 0;
        break;
      case 'error':
        throw part.error;
      case 'abort':
        throw request.signal.reason;
      default:
        break;
    }
  }
  return turn;
}
