import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, JSONParseError, jsonSchema, RetryError, streamText, tool, type TextStreamPart, type ToolSet } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';

const API_KEY = 'sk-test-key';

/** A tool without `execute`, so the SDK hands the call back instead of running it. */
const weather = tool({
  description: 'Current weather for a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
});

let server: OpenAiCompatibleServer;

beforeAll(async () => {
  server = await new OpenAiCompatibleServer({ apiKey: API_KEY }).start();
});

afterAll(async () => {
  await server.stop();
});

afterEach(() => {
  expect(server.pending()).toBe(0);
  server.reset();
});

function model(apiKey = API_KEY) {
  return createOpenAICompatible({ name: 'local', baseURL: server.baseUrl, apiKey })('test-model');
}

async function collect<T extends ToolSet>(stream: AsyncIterable<TextStreamPart<T>>): Promise<Array<TextStreamPart<T>>> {
  const parts: Array<TextStreamPart<T>> = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function ofType<T extends ToolSet, K extends TextStreamPart<T>['type']>(parts: Array<TextStreamPart<T>>, type: K) {
  return parts.filter((part): part is Extract<TextStreamPart<T>, { type: K }> => part.type === type);
}

describe('OpenAiCompatibleServer driven by the AI SDK', () => {
  it('streams text as several deltas that join to the scripted text', async () => {
    server.enqueue({ kind: 'text', chunks: ['Hel', 'lo, ', 'world'] });

    const result = streamText({ model: model(), system: 'Be brief.', prompt: 'Say hello', maxRetries: 0 });
    const parts = await collect(result.fullStream);

    expect(ofType(parts, 'text-delta').map((part) => part.text)).toEqual(['Hel', 'lo, ', 'world']);
    expect(await result.text).toBe('Hello, world');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(3);
    const [request] = server.requests;
    expect(request?.body).toMatchObject({
      model: 'test-model',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('answers a non-streaming request with one chat.completion', async () => {
    server.enqueue({ kind: 'text', chunks: ['Hel', 'lo'], usage: { prompt_tokens: 7, completion_tokens: 2 } });

    const result = await generateText({ model: model(), prompt: 'Say hello', maxRetries: 0 });

    expect(result.text).toBe('Hello');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 7, outputTokens: 2, totalTokens: 9 });
    expect(server.requests[0]?.body.stream).toBeUndefined();
  });

  it('streams a scripted tool call that the SDK returns with parsed input', async () => {
    server.enqueue({ kind: 'tool_calls', calls: [{ id: 'call_weather', name: 'weather', arguments: { city: 'Paris' } }] });

    const result = streamText({ model: model(), prompt: 'Weather in Paris?', tools: { weather }, maxRetries: 0 });
    const parts = await collect(result.fullStream);

    expect(ofType(parts, 'tool-input-delta').length).toBeGreaterThanOrEqual(2);
    expect(await result.toolCalls).toMatchObject([{ type: 'tool-call', toolCallId: 'call_weather', toolName: 'weather', input: { city: 'Paris' } }]);
    expect(await result.finishReason).toBe('tool-calls');
    expect(server.requests[0]?.body.tools).toMatchObject([{ type: 'function', function: { name: 'weather', description: 'Current weather for a city' } }]);
  });

  it('returns tool calls from a non-streaming request, arguments sent verbatim', async () => {
    server.enqueue({ kind: 'tool_calls', calls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] });

    const result = await generateText({ model: model(), prompt: 'Weather in Oslo?', tools: { weather }, maxRetries: 0 });

    expect(result.toolCalls).toMatchObject([{ toolCallId: 'call_1_0', toolName: 'weather', input: { city: 'Oslo' } }]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('rejects a wrong API key with a 401 APICallError and consumes no reply', async () => {
    const error: unknown = await generateText({ model: model('sk-wrong'), prompt: 'hi', maxRetries: 0 }).catch((caught: unknown) => caught);

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false, message: 'Incorrect API key provided.' });
    expect(server.requests).toHaveLength(1);
  });

  it('surfaces a scripted 401 in a stream as an error part, not a throw', async () => {
    server.enqueue({ kind: 'status', status: 401 });
    const errors: unknown[] = [];

    const result = streamText({ model: model(), prompt: 'hi', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    const parts = await collect(result.fullStream);

    const [errorPart] = ofType(parts, 'error');
    expect(APICallError.isInstance(errorPart?.error)).toBe(true);
    expect(errorPart?.error).toMatchObject({ statusCode: 401, data: { error: { code: 'invalid_api_key' } } });
    expect(errors).toHaveLength(1);
    await expect(result.text).rejects.toThrow('No output generated');
  });

  it('is retried by the SDK after a 429 when maxRetries > 0', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }, { kind: 'text', chunks: ['after ', 'retry'] });

    const result = await generateText({ model: model(), prompt: 'hi', maxRetries: 1 });

    expect(result.text).toBe('after retry');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up with a RetryError once the retries are spent', async () => {
    const rateLimited = { kind: 'status', status: 429, headers: { 'retry-after': '0' } } as const;
    server.enqueue(rateLimited, rateLimited);

    const error: unknown = await generateText({ model: model(), prompt: 'hi', maxRetries: 1 }).catch((caught: unknown) => caught);

    expect(RetryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'maxRetriesExceeded', lastError: { statusCode: 429 } });
    expect(server.requests).toHaveLength(2);
  });

  it('makes a malformed stream produce an error part after the valid chunk', async () => {
    server.enqueue({ kind: 'malformed' });

    const result = streamText({ model: model(), prompt: 'hi', maxRetries: 0, onError: () => undefined });
    const parts = await collect(result.fullStream);

    expect(ofType(parts, 'text-delta').map((part) => part.text)).toEqual(['Hello']);
    const [errorPart] = ofType(parts, 'error');
    expect(JSONParseError.isInstance(errorPart?.error)).toBe(true);
    expect(await result.finishReason).toBe('error');
  });

  it('makes a malformed non-streaming body throw an APICallError', async () => {
    server.enqueue({ kind: 'malformed' });

    const error: unknown = await generateText({ model: model(), prompt: 'hi', maxRetries: 0 }).catch((caught: unknown) => caught);

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 200, message: 'Invalid JSON response' });
  });

  it('sees the client disconnect when the AbortSignal fires during a hang', async () => {
    server.enqueue({ kind: 'hang', chunks: ['partial'] });
    const controller = new AbortController();

    const result = streamText({ model: model(), prompt: 'hi', abortSignal: controller.signal, maxRetries: 0 });
    const parts: Array<TextStreamPart<ToolSet>> = [];
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }

    expect(ofType(parts, 'text-delta').map((part) => part.text)).toEqual(['partial']);
    expect(parts.at(-1)?.type).toBe('abort');
    await server.waitForAbort();
    expect(server.aborted).toBe(1);
  });

  it('sees the client disconnect when an SDK timeout fires during a delay', async () => {
    server.enqueue({ kind: 'delay', ms: 5000, then: { kind: 'text', chunks: ['too late'] } });

    await expect(generateText({ model: model(), prompt: 'hi', maxRetries: 0, timeout: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });

    await server.waitForAbort();
    expect(server.aborted).toBe(1);
  });

  it('answers after a scripted delay', async () => {
    server.enqueue({ kind: 'delay', ms: 50, then: { kind: 'text', chunks: ['late'] } });

    const result = await generateText({ model: model(), prompt: 'hi', maxRetries: 0 });

    expect(result.text).toBe('late');
    expect(server.aborted).toBe(0);
  });

  it('is also understood by the OpenAI provider in chat-completions mode', async () => {
    server.enqueue({ kind: 'text', chunks: ['one ', 'two'] }, { kind: 'tool_calls', calls: [{ name: 'weather', arguments: { city: 'Rome' } }] });
    const openai = createOpenAI({ baseURL: server.baseUrl, apiKey: API_KEY });

    const text = streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'count', maxRetries: 0 });
    expect(ofType(await collect(text.fullStream), 'text-delta').map((part) => part.text)).toEqual(['one ', 'two']);
    const call = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Weather in Rome?', tools: { weather }, maxRetries: 0 });
    expect(call.toolCalls).toMatchObject([{ toolName: 'weather', input: { city: 'Rome' } }]);
  });
});

describe('OpenAiCompatibleServer protocol edges', () => {
  it('answers 500 with an OpenAI-style error when the script is empty', async () => {
    const response = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
    });

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('script is empty') as unknown, type: 'server_error' } });
  });

  it('answers 401 without an Authorization header and 404 on other paths', async () => {
    const unauthenticated = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { type: 'invalid_request_error' } });

    const unknown = await fetch(`${server.baseUrl}/models`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'Invalid URL (GET /v1/models)' } });
  });
});
