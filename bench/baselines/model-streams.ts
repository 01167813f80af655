import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';

/** Streams one completion's text pieces from the mock: the only work a relay does besides framing. */
export type ModelStream = (prompt: string) => AsyncIterable<string>;

/** fetch, the SSE split by lines, one JSON.parse per `data:` line: the least a Node relay can do. */
export function bareStream(baseUrl: string): ModelStream {
  return async function* (prompt) {
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify({ model: 'mock', stream: true, messages: [{ role: 'user', content: prompt }] }),
    });
    if (!res.ok || !res.body) throw new Error(`the mock answered ${res.status}`);
    const decoder = new TextDecoder();
    let pending = '';
    for await (const bytes of res.body) {
      pending += decoder.decode(bytes as Uint8Array, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
        const chunk = JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string | null } }> };
        const content = chunk.choices[0]?.delta.content;
        if (content) yield content;
      }
    }
  };
}

/** The same through the AI SDK, as the gateway reads its openai-compatible providers. */
export function sdkStream(baseUrl: string): ModelStream {
  const model = createOpenAICompatible({ name: 'mock', baseURL: baseUrl, apiKey: 'bench' }).chatModel('mock');
  return (prompt) => streamText({ model, prompt, maxRetries: 0 }).textStream;
}
