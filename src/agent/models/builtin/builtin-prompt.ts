import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';

export interface Observation {
  toolName: string;
  ok: boolean;
  value: unknown;
}

/** The parts of a prompt the built-in rules look at: the system text, the user's request, this turn's tool results. */
export interface PromptView {
  system: string;
  request: string;
  observations: Observation[];
}

export function readPrompt(prompt: LanguageModelV3Prompt): PromptView {
  const system = prompt.flatMap((message) => (message.role === 'system' ? [message.content] : [])).join('\n');
  const lastUser = prompt.findLastIndex((message) => message.role === 'user');
  const userMessage = prompt[lastUser];
  const request =
    userMessage?.role === 'user'
      ? userMessage.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ').trim()
      : '';
  const observations = prompt.slice(lastUser + 1).flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) =>
          part.type === 'tool-result'
            ? [
                {
                  toolName: part.toolName,
                  ok: part.output.type === 'json' || part.output.type === 'text',
                  value: 'value' in part.output ? part.output.value : undefined,
                },
              ]
            : [],
        )
      : [],
  );
  return { system, request, observations };
}

/** The same view of the engine's own messages, for the built-in model's direct path (no AI SDK conversion). */
export function readMessages(system: string, messages: ModelMessage[]): PromptView {
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  const userMessage = messages[lastUser];
  let request = '';
  if (userMessage?.role === 'user') {
    const { content } = userMessage;
    request = typeof content === 'string' ? content.trim() : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ').trim();
  }
  const observations = messages.slice(lastUser + 1).flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) =>
          part.type === 'tool-result'
            ? [{ toolName: part.toolName, ok: part.output.type === 'json' || part.output.type === 'text', value: 'value' in part.output ? part.output.value : undefined }]
            : [],
        )
      : [],
  );
  return { system, request, observations };
}
