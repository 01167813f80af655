import { z } from 'zod';
import type { ModelMessage, ToolResultPart } from 'ai';
import type { AgentTool, ToolContext } from '../tools/agent-tool';

export interface ToolCallRequest {
  callId: string;
  tool: string;
  args: unknown;
}

export interface ToolOutcome extends ToolCallRequest {
  ok: boolean;
  /** The tool's result as plain JSON, or the error text the model will read. */
  output: unknown;
}

/**
 * Runs one tool call: unknown tools and invalid arguments are refused before anything runs, and a tool
 * that throws becomes a failed observation the model sees on its next step, never a crashed run.
 */
export async function executeTool(tools: ReadonlyMap<string, AgentTool>, call: ToolCallRequest, context: ToolContext): Promise<ToolOutcome> {
  const tool = tools.get(call.tool);
  if (!tool) return { ...call, ok: false, output: `There is no tool named "${call.tool}"; use one of: ${[...tools.keys()].join(', ')}` };
  const parsed = tool.inputSchema.safeParse(call.args);
  if (!parsed.success) return { ...call, ok: false, output: `Invalid arguments for ${call.tool}: ${z.prettifyError(parsed.error)}` };
  try {
    const output: unknown = await tool.execute(parsed.data, context);
    return { ...call, ok: true, output: toJson(output) };
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { ...call, ok: false, output: `${call.tool} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The assistant's tool calls and their results, in the shape the model reads on its next step. */
export function toolMessages(text: string, outcomes: ToolOutcome[]): ModelMessage[] {
  const results: ToolResultPart[] = outcomes.map((outcome) => ({
    type: 'tool-result',
    toolCallId: outcome.callId,
    toolName: outcome.tool,
    output: outcome.ok
      ? { type: 'json', value: outcome.output as never }
      : { type: 'error-text', value: String(outcome.output) },
  }));
  return [
    {
      role: 'assistant',
      content: [
        ...(text ? [{ type: 'text' as const, text }] : []),
        ...outcomes.map((outcome) => ({ type: 'tool-call' as const, toolCallId: outcome.callId, toolName: outcome.tool, input: outcome.args })),
      ],
    },
    { role: 'tool', content: results },
  ];
}

// Entities and dates become plain JSON once, so the model, the log and every protocol see the same value.
function toJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
