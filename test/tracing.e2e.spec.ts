import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentRunner } from '../src/agent/engine/agent-runner';
import type { RunEvent } from '../src/agent/run-events';
import { freePort } from './support/free-port';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { collect, ofType } from './support/run-events';
import { startTestApp, type TestApp } from './support/test-app';

// OTLP's numbering, which differs from the API's enums by one.
const OTLP_KIND = { internal: SpanKind.INTERNAL + 1, client: SpanKind.CLIENT + 1 };
const OTLP_STATUS = { unset: SpanStatusCode.UNSET, error: SpanStatusCode.ERROR };

const runOn = (t: TestApp, chatId: string, input: string) => collect(t.app.get(AgentRunner).run({ chatId, input }));
const named = (spans: ReceivedSpan[], prefix: string) => spans.filter((span) => span.name.startsWith(prefix));

describe('tracing over OTLP/HTTP', () => {
  const receiver = new OtlpReceiver();
  const traced = (env: Record<string, string> = {}) => startTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env } });

  beforeAll(() => receiver.start());
  beforeEach(() => receiver.reset());
  afterAll(() => receiver.stop());

  it('exports the turn with its model calls and its tool call as children, flushed when the app closes', async () => {
    const t = await traced({ OTEL_SERVICE_NAME: 'agw-tracing-test' });
    let events: RunEvent[];
    try {
      events = await runOn(t, 'traced-chat', 'what is 12 * 7');
    } finally {
      await t.close();
    }
    const [turn, ...others] = named(receiver.spans, 'invoke_agent');
    expect(others).toHaveLength(0);
    expect(turn).toMatchObject({ name: 'invoke_agent assistant', kind: OTLP_KIND.internal, status: { code: OTLP_STATUS.unset } });
    expect(turn!.resource).toMatchObject({ 'service.name': 'agw-tracing-test' });
    const usage = ofType(events, 'run.finished')[0]!.usage!;
    expect(turn!.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'assistant',
      'gen_ai.agent.description': expect.any(String) as string,
      'gen_ai.conversation.id': 'traced-chat',
      'gen_ai.provider.name': 'builtin',
      'gen_ai.system': 'builtin',
      'gen_ai.request.model': 'builtin-rules',
      'gen_ai.response.model': 'builtin-rules',
      'gen_ai.usage.input_tokens': usage.inputTokens,
      'gen_ai.usage.output_tokens': usage.outputTokens,
      'agent_gateway.run.id': events[0]!.runId,
      'agent_gateway.run.outcome': 'finished',
    });
    expect(usage.inputTokens).toBeGreaterThan(0);

    const children = receiver.spans.filter((span) => span !== turn);
    for (const child of children) expect(child).toMatchObject({ traceId: turn!.traceId, parentSpanId: turn!.spanId });
    const models = named(children, 'chat ');
    expect(models.map((span) => [span.name, span.kind, span.attributes['agent_gateway.step']])).toEqual([
      ['chat builtin-rules', OTLP_KIND.client, 1],
      ['chat builtin-rules', OTLP_KIND.client, 2],
    ]);
    for (const model of models) {
      expect(model.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'builtin',
        'gen_ai.system': 'builtin',
        'gen_ai.request.model': 'builtin-rules',
        'gen_ai.response.model': 'builtin-rules',
        'gen_ai.conversation.id': 'traced-chat',
      });
      expect(model.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }
    const sum = (key: string) => models.reduce((total, span) => total + (span.attributes[key] as number), 0);
    expect([sum('gen_ai.usage.input_tokens'), sum('gen_ai.usage.output_tokens')]).toEqual([usage.inputTokens, usage.outputTokens]);

    const call = ofType(events, 'tool.call')[0]!;
    expect(named(children, 'execute_tool')).toEqual([
      expect.objectContaining({
        name: 'execute_tool calculator',
        kind: OTLP_KIND.internal,
        status: expect.objectContaining({ code: OTLP_STATUS.unset }) as object,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'calculator',
          'gen_ai.tool.call.id': call.callId,
          'gen_ai.tool.type': 'function',
          'gen_ai.conversation.id': 'traced-chat',
          'agent_gateway.step': 1,
        },
      }),
    ]);
    expect(children).toHaveLength(3);
  });

  it('exports nothing without OTEL_EXPORTER_OTLP_ENDPOINT, even beside a traced app in the same process', async () => {
    const [withEndpoint, without] = await Promise.all([traced(), startTestApp()]);
    try {
      await runOn(without, 'untraced-chat', 'what is 12 * 7');
      await runOn(withEndpoint, 'traced-chat', 'what is 12 * 7');
      await runOn(without, 'untraced-chat', 'what is 2 + 2');
    } finally {
      await Promise.all([withEndpoint.close(), without.close()]);
    }
    expect(named(receiver.spans, 'invoke_agent')).toHaveLength(1);
    expect(new Set(receiver.spans.map((span) => span.attributes['gen_ai.conversation.id']))).toEqual(new Set(['traced-chat']));
    // Neither app registered a global provider: the process-wide API still hands out its no-op tracer.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it('marks a refused tool call, a failed model call and the turn with status ERROR', async () => {
    const model = await new OpenAiCompatibleServer().start();
    const t = await traced({ MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0' });
    model.enqueue(
      { kind: 'tool_calls', calls: [{ id: 'call_x', name: 'no_such_tool', arguments: {} }], usage: { prompt_tokens: 11, completion_tokens: 7 } },
      { kind: 'status', status: 400 },
    );
    let events: RunEvent[];
    try {
      events = await runOn(t, 'failing-chat', 'do something');
    } finally {
      await t.close();
      await model.stop();
    }
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', error: { code: 'model.rejected' } });
    const [turn] = named(receiver.spans, 'invoke_agent');
    expect(turn).toMatchObject({ status: { code: OTLP_STATUS.error } });
    expect(turn!.attributes).toMatchObject({ 'error.type': 'model.rejected', 'agent_gateway.run.outcome': 'failed', 'gen_ai.provider.name': 'openai-compatible' });

    const [answered, refused] = named(receiver.spans, 'chat test-model');
    expect(answered!.status.code).toBe(OTLP_STATUS.unset);
    expect(answered!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 11, 'gen_ai.usage.output_tokens': 7, 'gen_ai.response.model': 'test-model' });
    expect(refused).toMatchObject({ status: { code: OTLP_STATUS.error, message: expect.stringMatching(/400/) as string } });
    expect(refused!.attributes['error.type']).toBe('model.rejected');
    expect(refused!.events.map((event) => event.name)).toEqual(['exception']);

    const [tool] = named(receiver.spans, 'execute_tool');
    expect(tool).toMatchObject({ name: 'execute_tool no_such_tool', status: { code: OTLP_STATUS.error } });
    expect(tool!.status.message).toMatch(/^There is no tool named "no_such_tool"/);
    expect(tool!.attributes).toMatchObject({ 'error.type': 'tool_error', 'gen_ai.tool.call.id': 'call_x' });
  });

  it('ends the turn of a cancelled run as cancelled, not as an error', async () => {
    const t = await traced();
    const controller = new AbortController();
    try {
      for await (const event of t.app.get(AgentRunner).run({ chatId: 'stopped-chat', input: 'get all contacts', signal: controller.signal })) {
        if (event.type === 'text.delta') controller.abort('user pressed stop');
      }
    } finally {
      await t.close();
    }
    const [turn] = named(receiver.spans, 'invoke_agent');
    expect(turn).toMatchObject({ status: { code: OTLP_STATUS.unset } });
    expect(turn!.attributes['agent_gateway.run.outcome']).toBe('cancelled');
    // The stopped model call is ended too, so the trace is complete.
    expect(named(receiver.spans, 'chat ')).toHaveLength(2);
  });

  it('closes promptly and without an error when the collector is unreachable', async () => {
    const t = await startTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}` } });
    await runOn(t, 'lost-chat', 'what is 12 * 7');
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
