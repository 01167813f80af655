import { streamText, tool, type LanguageModel, type ToolSet } from 'ai';
import type { AgentTool } from '../tools/agent-tool';
import { toolSchemaOf } from './tool-schemas';
import type { ModelTurn, TurnRequest, TurnStreamer } from './turn-streamer';

/** Streams through the AI SDK's `streamText`: any provider it supports (the built-in model, Anthropic). */
export class AiSdkTurnStreamer implements TurnStreamer {
  // Keyed by tool names, which are unique among one server's tools (the registry refuses duplicates).
  private readonly toolSets = new Map<string, ToolSet>();

  constructor(
    private readonly model: LanguageModel,
    private readonly maxRetries: number,
  ) {}

  async *stream(request: TurnRequest): AsyncGenerator<string, ModelTurn> {
    const result = streamText({
      model: this.model,
      system: request.system,
      messages: request.messages,
      tools: this.toolSetOf(request.tools),
      toolChoice: request.tools.length > 0 ? 'auto' : 'none',
      abortSignal: request.signal,
      maxRetries: this.maxRetries,
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

  private toolSetOf(tools: AgentTool[]): ToolSet {
    const key = tools.map((agentTool) => agentTool.name).join('\n');
    let toolSet = this.toolSets.get(key);
    if (!toolSet) {
      toolSet = Object.fromEntries(
        tools.map((agentTool) => [agentTool.name, tool({ description: agentTool.description, inputSchema: toolSchemaOf(agentTool).schema })]),
      );
      this.toolSets.set(key, toolSet);
    }
    return toolSet;
  }
}
