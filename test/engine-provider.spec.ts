import { describe, expect, it } from 'vitest';
import { AgentRunner } from '../src/agent/engine/agent-runner';
import { freePort } from './support/free-port';
import { useScriptedModel } from './support/scripted-model';
import { collect, ofType, ONE_TOOL_STEP_TURN, outline } from './support/run-events';
import { startTestApp } from './support/test-app';

const API_KEY = 'sk-test-key';

describe.each(['openai-compatible', 'openai'])('the engine against a real OpenAI-compatible HTTP server (%s provider)', (provider) => {
  const { app, model: server } = useScriptedModel({
    apiKey: API_KEY,
    env: { MODEL_PROVIDER: provider, MODEL_MAX_RETRIES: '1', RUN_TIMEOUT_MS: '1500' },
  });
  const run = (input: string, signal?: AbortSignal) => collect(app().app.get(AgentRunner).run({ chatId: 'chat-p', input, signal }));

  it('runs tool call → observation → streamed final answer over the wire', async () => {
    server.enqueue(
      { kind: 'tool_calls', calls: [{ id: 'call_1', name: 'contacts', arguments: { query: 'alice' } }] },
      { kind: 'text', chunks: ['Alice Moreau ', 'works at ', 'the company.'] },
    );
    const events = await run('who is alice?');
    expect(outline(events)).toEqual(ONE_TOOL_STEP_TURN);
    expect(ofType(events, 'text.delta').map((delta) => delta.delta)).toEqual(['Alice Moreau ', 'works at ', 'the company.']);
    expect(ofType(events, 'run.finished')[0]!.answer).toBe('Alice Moreau works at the company.');

    const [first, second] = server.requests;
    expect(first!.body).toMatchObject({ model: 'test-model', stream: true });
    expect((first!.body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)).toEqual([
      'calculator',
      'contacts',
      'knowledge_search',
      'send_message',
      'current_time',
      'request_handoff',
    ]);
    // The second request carries the call and the observation the tool produced.
    const messages = second!.body.messages as Array<{ role: string; content?: string; tool_call_id?: string }>;
    const observation = messages.find((message) => message.role === 'tool');
    expect(observation).toMatchObject({ tool_call_id: 'call_1' });
    expect(observation!.content).toContain('Alice Moreau');
  });

  it('feeds invalid tool arguments back to the model as an observation, not a crash', async () => {
    server.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'calculator', arguments: { expression: 42 } }] },
      { kind: 'text', chunks: ['Sorry.'] },
    );
    const events = await run('compute');
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ ok: false, output: expect.stringMatching(/^Invalid arguments for calculator/) as string });
    expect(ofType(events, 'run.finished')[0]!.answer).toBe('Sorry.');
    const observation = (server.requests[1]!.body.messages as Array<{ role: string; content?: string }>).find((m) => m.role === 'tool');
    expect(observation!.content).toContain('Invalid arguments for calculator');
  });

  it('cancelling mid-stream drops the model request and ends with run.cancelled', async () => {
    server.enqueue({ kind: 'hang', chunks: ['Thinking '] });
    const controller = new AbortController();
    const events = [];
    for await (const event of app().app.get(AgentRunner).run({ chatId: 'chat-p', input: 'hello', signal: controller.signal })) {
      events.push(event);
      if (event.type === 'text.delta') controller.abort('stop');
    }
    await server.waitForAbort();
    expect(events.at(-1)).toMatchObject({ type: 'run.cancelled', reason: 'stop' });
  });

  it('ends with run.failed when the run outlives RUN_TIMEOUT_MS', async () => {
    server.enqueue({ kind: 'hang' });
    const events = await run('hello');
    await server.waitForAbort();
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', error: { code: 'run.timeout' } });
  });

  it.each([
    [401, 'model.unauthorized', /answered 401 Unauthorized: check MODEL_API_KEY/],
    [400, 'model.rejected', /answered 400 Bad Request/],
  ])('fails a %d without retrying, naming the provider and the status', async (status, code, message) => {
    server.enqueue({ kind: 'status', status });
    const events = await run('hello');
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', error: { code, message: expect.stringMatching(message) as string } });
    expect((events.at(-1) as { error: { message: string } }).error.message).toContain(`The ${provider} provider`);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [429, 'model.rate_limited', /answered 429 Too Many Requests/],
    [503, 'model.unavailable', /answered 503 Service Unavailable/],
  ])('retries a %d, then fails with a clear message', async (status, code, message) => {
    server.enqueue({ kind: 'status', status, headers: { 'retry-after': '0' } }, { kind: 'status', status, headers: { 'retry-after': '0' } });
    const events = await run('hello');
    const failure = events.at(-1) as { type: string; error: { code: string; message: string } };
    expect(failure).toMatchObject({ type: 'run.failed', error: { code } });
    expect(failure.error.message).toMatch(message);
    expect(failure.error.message).toContain('gave up after 2 attempts');
    expect(failure.error.message).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(2);
  });

  it('recovers when a retry succeeds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } }, { kind: 'text', chunks: ['Fine.'] });
    const events = await run('hello');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', answer: 'Fine.' });
  });

  it('fails a malformed stream with model.malformed_response', async () => {
    server.enqueue({ kind: 'malformed' });
    const events = await run('hello');
    expect(events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { code: 'model.malformed_response', message: `The ${provider} provider sent a response that could not be understood` },
    });
  });
});

describe('an unreachable provider', () => {
  it('fails with model.unreachable naming where it tried', async () => {
    const port = await freePort();
    const t = await startTestApp({
      env: { MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: `http://127.0.0.1:${port}/v1`, MODEL_NAME: 'm', MODEL_MAX_RETRIES: '0' },
    });
    try {
      const events = await collect(t.app.get(AgentRunner).run({ chatId: 'c', input: 'hello' }));
      expect(events.at(-1)).toMatchObject({
        type: 'run.failed',
        error: { code: 'model.unreachable', message: `Could not reach the openai-compatible provider at http://127.0.0.1:${port}: ECONNREFUSED` },
      });
    } finally {
      await t.close();
    }
  });
});

