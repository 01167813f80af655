import { streamText, tool, type LanguageModel, type ToolSet } from 'ai';
import { toolSchemaOf } from './tool-schemas';
import type { ModelTool, ModelTurn, TurnRequest, TurnStreamer } from './turn-streamer';

/** Streams through the AI SDK's `streamText`: any provider it supports (the built-in model, Anthropic). */
export class AiSdkTurnStreamer implements TurnStreamer {
  // Keyed by tool names, which are unique among one server's tools (the registry refuses duplicates), and among
  // one parent's actions; an action offer is marked, as its name may be a tool's too.
  private readonly toolSets = new Map<string, ToolSet>();

  constructor(
    private readonly model: LanguageModel,
    private readonly maxRetries: number,
  ) {}

  async *stream(request: TurnRequest): AsyncGenerator<string, ModelTurn> {
    const result = streamText({
      model: this.model,
      system: request.system || undefined,
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

  private toolSetOf(tools: readonly ModelTool[]): ToolSet {
    const key = tools.map((agentTool) => ('parameters' in agentTool ? `action:${agentTool.name}` : agentTool.name)).join('\n');
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
