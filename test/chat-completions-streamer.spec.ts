import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelMessage } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatCompletionsTurnStreamer, type ChatCompletionsSettings } from '../src/agent/models/chat-completions-turn-streamer';
import type { ModelTurn, TurnRequest } from '../src/agent/models/turn-streamer';
import type { AgentTool } from '../src/agent/tools/agent-tool';
import { freePort } from './support/free-port';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';

const API_KEY = 'sk-test-key';
/** In a scripted list of events: the connection is cut there. */
const CUT = 'cut';

const weather: AgentTool = {
  name: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string().describe('The city') }),
  execute: () => Promise.resolve('sunny'),
};

interface Outcome {
  deltas: string[];
  turn?: ModelTurn;
  error?: unknown;
}

/** Drains one streamed call; `onDelta` may abort or stop it. */
async function drain(stream: AsyncGenerator<string, ModelTurn>, onDelta?: () => boolean | void): Promise<Outcome> {
  const deltas: string[] = [];
  try {
    for (;;) {
      const next = await stream.next();
      if (next.done) return { deltas, turn: next.value };
      deltas.push(next.value);
      if (onDelta?.() === false) {
        await stream.return({ text: '', calls: [], inputTokens: 0, outputTokens: 0 });
        return { deltas };
      }
    }
  } catch (error) {
    return { deltas, error };
  }
}

function request(overrides: Partial<TurnRequest> = {}): TurnRequest {
  return { system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }], tools: [], signal: new AbortController().signal, ...overrides };
}

describe('the Chat Completions streamer against the scripted server', () => {
  let server: OpenAiCompatibleServer;
  const streamer = (settings: Partial<ChatCompletionsSettings> = {}) =>
    new ChatCompletionsTurnStreamer({ provider: 'openai-compatible', model: 'test-model', baseURL: server.baseUrl, apiKey: API_KEY, maxRetries: 0, ...settings });

  beforeAll(async () => {
    server = await new OpenAiCompatibleServer({ apiKey: API_KEY }).start();
  });
  afterAll(() => server.stop());
  afterEach(() => {
    expect(server.pending(), 'every scripted reply was used').toBe(0);
    server.reset();
  });

  it('streams text deltas and returns the usage and the model that answered', async () => {
    server.enqueue({ kind: 'text', chunks: ['Hel', 'lo, ', 'world'], usage: { prompt_tokens: 7, completion_tokens: 3 } });
    const { deltas, turn } = await drain(streamer().stream(request()));
    expect(deltas).toEqual(['Hel', 'lo, ', 'world']);
    expect(turn).toEqual({ text: 'Hello, world', calls: [], inputTokens: 7, outputTokens: 3, modelId: 'test-model' });
  });

  it('assembles tool calls whose arguments arrive in pieces, several in one answer', async () => {
    server.enqueue({
      kind: 'tool_calls',
      calls: [
        { id: 'call_a', name: 'weather', arguments: { city: 'Paris' } },
        { id: 'call_b', name: 'weather', arguments: { city: 'Oslo, Norway' } },
        { id: 'call_c', name: 'weather', arguments: '' },
        { id: 'call_d', name: 'weather', arguments: '{"city": "Ro' },
      ],
    });
    const { deltas, turn } = await drain(streamer().stream(request({ tools: [weather] })));
    expect(deltas).toEqual([]);
    expect(turn!.calls).toEqual([
      { callId: 'call_a', tool: 'weather', args: { city: 'Paris' } },
      { callId: 'call_b', tool: 'weather', args: { city: 'Oslo, Norway' } },
      // No arguments mean none; text that is not JSON goes to the tool's validation as it is.
      { callId: 'call_c', tool: 'weather', args: {} },
      { callId: 'call_d', tool: 'weather', args: '{"city": "Ro' },
    ]);
    expect(turn).toMatchObject({ inputTokens: 10, outputTokens: 4 });
  });

  it('sends the conversation and the tools as Chat Completions messages', async () => {
    server.enqueue({ kind: 'text', chunks: ['ok'] }, { kind: 'text', chunks: ['ok'] });
    const messages: ModelMessage[] = [
      { role: 'user', content: 'weather in Paris and Oslo?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: 'not json{' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { type: 'json', value: { sky: 'clear' } } },
          { type: 'tool-result', toolCallId: 'call_2', toolName: 'weather', output: { type: 'error-text', value: 'Invalid arguments for weather' } },
        ],
      },
      { role: 'assistant', content: 'Clear in Paris.' },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ];
    await drain(streamer().stream(request({ messages, tools: [weather] })));
    await drain(streamer().stream(request()));

    const [withTools, without] = server.requests;
    expect(withTools!.body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: 'Looking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            // Arguments that were not an object go back as `{}`: strict servers refuse anything else.
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"clear"}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'Invalid arguments for weather' },
        { role: 'assistant', content: 'Clear in Paris.' },
        { role: 'user', content: 'thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Current weather for a city',
            parameters: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: { city: { type: 'string', description: 'The city' } },
              required: ['city'],
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: 'auto',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(withTools!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // No tools: neither `tools` nor `tool_choice`, as the AI SDK sent it.
    expect(Object.keys(without!.body)).toEqual(['model', 'messages', 'stream', 'stream_options']);
  });

  it("gives OpenAI's reasoning models their instructions as a developer message", async () => {
    server.enqueue({ kind: 'text', chunks: ['ok'] }, { kind: 'text', chunks: ['ok'] });
    await drain(streamer({ provider: 'openai', model: 'o3-mini' }).stream(request()));
    await drain(streamer({ provider: 'openai', model: 'gpt-4o-mini' }).stream(request()));
    expect(server.requests.map((r) => r.body.messages![0]!.role)).toEqual(['developer', 'system']);
  });

  it.each([
    [401, 'model.unauthorized', 'The openai-compatible provider answered 401 Unauthorized: check MODEL_API_KEY'],
    [400, 'model.rejected', 'The openai-compatible provider answered 400 Bad Request: Invalid request.'],
  ])('fails a %d at once, retries or not', async (status, code, message) => {
    server.enqueue({ kind: 'status', status });
    const { error } = await drain(streamer({ maxRetries: 2 }).stream(request()));
    expect(error).toMatchObject({ code, message });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [429, 'model.rate_limited', 'The openai-compatible provider answered 429 Too Many Requests: rate limited, try again later (gave up after 2 attempts)'],
    [500, 'model.unavailable', 'The openai-compatible provider answered 500 Internal Server Error: the provider is failing (gave up after 2 attempts)'],
  ])('retries a %d, then fails saying how often it tried', async (status, code, message) => {
    const reply = { kind: 'status', status, headers: { 'retry-after': '0' } } as const;
    server.enqueue(reply, reply);
    const { error } = await drain(streamer({ maxRetries: 1 }).stream(request()));
    expect(error).toMatchObject({ code, message });
    expect(server.requests).toHaveLength(2);
  });

  it('waits as long as retry-after says, then succeeds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'text', chunks: ['Fine.'] });
    const started = Date.now();
    const { turn } = await drain(streamer({ maxRetries: 1 }).stream(request()));
    expect(turn!.text).toBe('Fine.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  });

  it('fails a stream with a line that is not JSON as model.malformed_response, after what came before', async () => {
    server.enqueue({ kind: 'malformed' });
    const { deltas, error } = await drain(streamer().stream(request()));
    expect(deltas).toEqual(['Hello']);
    expect(error).toMatchObject({ code: 'model.malformed_response', message: 'The openai-compatible provider sent a response that could not be understood' });
  });

  it('stops reading and closes the request when the signal aborts mid-stream', async () => {
    server.enqueue({ kind: 'hang', chunks: ['Thinking '] });
    const controller = new AbortController();
    const { deltas, error } = await drain(streamer().stream(request({ signal: controller.signal })), () => controller.abort('stop'));
    expect(deltas).toEqual(['Thinking ']);
    expect(error).toBe('stop');
    await server.waitForAbort();
  });

  it('leaves no listener on the run\'s signal once a call is over, however many calls the run makes', async () => {
    const warnings: Error[] = [];
    const warned = (warning: Error) => warnings.push(warning);
    process.on('warning', warned);
    try {
      const controller = new AbortController();
      for (let call = 0; call < 12; call++) {
        server.enqueue({ kind: 'text', chunks: [`answer ${call}`] });
        expect((await drain(streamer().stream(request({ signal: controller.signal })))).deltas).toEqual([`answer ${call}`]);
        expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
      }
      server.enqueue({ kind: 'hang', chunks: ['Thinking '] });
      await drain(streamer().stream(request({ signal: controller.signal })), () => false);
      expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
      await server.waitForAbort();
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', warned);
    }
  });

  it('closes the request when its reader stops early', async () => {
    server.enqueue({ kind: 'hang', chunks: ['Thinking '] });
    await drain(streamer().stream(request()), () => false);
    await server.waitForAbort();
  });

  it('does not wait out a retry-after once the signal aborts', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();
    const { error } = await drain(streamer({ maxRetries: 1 }).stream(request({ signal: AbortSignal.timeout(200) })));
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails with model.unreachable naming where it tried, after its retries', async () => {
    const port = await freePort();
    const unreachable = new ChatCompletionsTurnStreamer({ provider: 'openai', model: 'm', baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k', maxRetries: 1 });
    const { error } = await drain(unreachable.stream(request()));
    expect(error).toMatchObject({
      code: 'model.unreachable',
      message: `Could not reach the openai provider at http://127.0.0.1:${port}: ECONNREFUSED (gave up after 2 attempts)`,
    });
  });
});

describe('the Chat Completions streamer against events the scripted server does not send', () => {
  let server: Server;
  let events: string[] = [];
  let authorization: string | undefined;
  const streamer = () =>
    new ChatCompletionsTurnStreamer({ provider: 'openai-compatible', model: 'asked-model', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/moved/')) {
        res.writeHead(307, { location: req.url.slice('/moved'.length) }).end();
        return;
      }
      authorization = req.headers.authorization;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of events) {
        if (event === CUT) {
          // Once what came before has left: the provider's connection breaks mid-answer.
          res.socket?.end(() => res.socket?.destroy());
          return;
        }
        res.write(event);
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const chunk = (delta: object, extra: object = {}) => JSON.stringify({ id: 'x', model: 'served-model', choices: [{ index: 0, delta, finish_reason: null }], ...extra });

  it('reads CRLF lines, comments and interleaved call deltas; names the model that answered; sends no key it does not have', async () => {
    events = [
      ': keep-alive\r\n\r\n',
      `data:${chunk({ content: 'Two ' })}\r\n\r\n`,
      `data: ${chunk({ tool_calls: [{ index: 0, id: 'c0', function: { name: 'weather', arguments: '{"ci' } }] })}\n\n`,
      `data: ${chunk({ tool_calls: [{ index: 1, id: 'c1', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] })}\n\n`,
      `data: ${chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Lima"}' } }] })}\n\n`,
      `data: ${JSON.stringify({ id: 'x', model: 'served-model', choices: [], usage: { prompt_tokens: 5, completion_tokens: 9 } })}\n\n`,
      'data: [DONE]\n\n',
    ];
    const { deltas, turn } = await drain(streamer().stream(request({ tools: [weather] })));
    expect(deltas).toEqual(['Two ']);
    expect(turn).toEqual({
      text: 'Two ',
      calls: [
        { callId: 'c0', tool: 'weather', args: { city: 'Lima' } },
        { callId: 'c1', tool: 'weather', args: { city: 'Rome' } },
      ],
      inputTokens: 5,
      outputTokens: 9,
      modelId: 'served-model',
    });
    expect(authorization).toBeUndefined();
  });

  it('fails with model.unavailable when the provider reports an error mid-stream', async () => {
    events = [`data: ${chunk({ content: 'Hi' })}\n\n`, `data: ${JSON.stringify({ error: { message: 'The model crashed', type: 'server_error' } })}\n\n`];
    const { deltas, error } = await drain(streamer().stream(request()));
    expect(deltas).toEqual(['Hi']);
    expect(error).toMatchObject({ code: 'model.unavailable', message: 'The openai-compatible provider failed mid-answer: The model crashed' });
  });

  it('follows a redirect, sending the request again where it points', async () => {
    events = [`data: ${chunk({ content: 'Moved' })}\n\n`, 'data: [DONE]\n\n'];
    const moved = new ChatCompletionsTurnStreamer({ provider: 'openai-compatible', model: 'm', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/moved/v1`, maxRetries: 0 });
    const { deltas, turn } = await drain(moved.stream(request()));
    expect(deltas).toEqual(['Moved']);
    expect(turn?.text).toBe('Moved');
  });

  it('fails with model.unavailable when the connection breaks mid-answer, after what came before', async () => {
    events = [`data: ${chunk({ content: 'Hi' })}\n\n`, CUT];
    const { deltas, error } = await drain(streamer().stream(request()));
    expect(deltas).toEqual(['Hi']);
    expect(error).toMatchObject({ code: 'model.unavailable' });
    expect((error as Error).message).toMatch(/^The openai-compatible provider broke off its answer \(\w+\)$/);
  });

  it('fails a tool call without a name as model.malformed_response', async () => {
    events = [`data: ${chunk({ tool_calls: [{ index: 0, id: 'c0', function: { arguments: '{}' } }] })}\n\n`, 'data: [DONE]\n\n'];
    const { error } = await drain(streamer().stream(request({ tools: [weather] })));
    expect(error).toMatchObject({ code: 'model.malformed_response' });
  });
});
