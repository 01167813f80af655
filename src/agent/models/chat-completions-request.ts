import type { AssistantContent, ModelMessage, ToolResultPart, UserContent } from 'ai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPartText,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ModelTool } from './turn-streamer';
import { toolSchemaOf } from './tool-schemas';

/**
 * The engine's conversation as Chat Completions messages, in the shapes the AI SDK's OpenAI providers sent
 * before this path existed, so a provider sees the same requests whichever path asks.
 */
export function chatMessages(system: string, messages: ModelMessage[], systemRole: 'system' | 'developer'): ChatCompletionMessageParam[] {
  // No instructions (an action's own `context.llm` call without `system`) sends none, as the AI SDK does.
  const wire: ChatCompletionMessageParam[] = system ? [{ role: systemRole, content: system }] : [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        wire.push({ role: systemRole, content: message.content });
        break;
      case 'user':
        wire.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant':
        wire.push(assistantMessage(message.content));
        break;
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-result') wire.push({ role: 'tool', tool_call_id: part.toolCallId, content: resultText(part.output) });
        }
        break;
    }
  }
  return wire;
}

export function chatTools(tools: readonly ModelTool[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: toolSchemaOf(tool).parameters } }));
}

/** OpenAI's reasoning models (o1, o3, gpt-5…) take instructions as `developer` messages, as the AI SDK's OpenAI provider sends them. */
export function systemRoleOf(provider: string, model: string): 'system' | 'developer' {
  if (provider !== 'openai') return 'system';
  if (/^o\d+(?:-|$)/.test(model)) return 'developer';
  const gpt = /^gpt-(\d+)(?:\.(\d+))?(?:-(.+))?$/.exec(model);
  const chatVariant = gpt?.[2] === undefined && (gpt?.[3]?.startsWith('chat') ?? false);
  return gpt && Number(gpt[1]) >= 5 && !chatVariant ? 'developer' : 'system';
}

function userContent(content: UserContent): string | ChatCompletionContentPartText[] {
  if (typeof content === 'string') return content;
  const parts = content.map((part) => {
    if (part.type !== 'text') throw new Error(`The Chat Completions path sends text only, not a ${part.type} part`);
    return { type: 'text' as const, text: part.text };
  });
  return parts.length === 1 ? parts[0]!.text : parts;
}

function assistantMessage(content: AssistantContent): ChatCompletionAssistantMessageParam {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const calls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') calls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: argumentsOf(part.input) } });
    else throw new Error(`The Chat Completions path cannot send an assistant ${part.type} part`);
  }
  return calls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text };
}

// Arguments the model sent unparseable reach here as their raw text; strict servers refuse a non-object, and
// the tool result that follows already tells the model what was wrong.
function argumentsOf(input: unknown): string {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? JSON.stringify(input) : '{}';
}

function resultText(output: ToolResultPart['output']): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
    case 'content':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool call execution denied.';
  }
}
