import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { freePort } from './support/free-port';
import { platformTurn } from './support/platform-client';
import { useScriptedModel } from './support/scripted-model';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as far as these specs read it: one sample per line, comments skipped. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with that name and (at least) those labels; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

async function scrape(url: string, token?: string): Promise<Sample[]> {
  const response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

const alice = signToken('alice');
const METRICS_TOKEN = 'metrics-token-0123456789';

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts a /chat and an /interact turn, their model calls, tokens, tools and sockets', async () => {
    const chat = await TestSocket.open(`${t.wsUrl}/chat/metrics-chat`, { headers: { Authorization: `Bearer ${alice}` } });
    chat.send({ type: 'client', message: 'what is 12 * 7?', message_id: 'm1' });
    await untilEnd(chat, 'm1');
    const interact = await platformTurn(`${t.wsUrl}/interact`, alice, { agentId: 'assistant', convoId: 'metrics-convo', bucket: 'voiceglow-eu', prompt: 'what time is it?' });
    expect(interact.code).toBe(1000);

    const samples = await scrape(`${t.httpUrl}/metrics`);
    for (const protocol of ['chat', 'interact']) {
      const turn = { agent: 'assistant', protocol };
      expect(valueOf(samples, 'agent_gateway_turns_started_total', turn)).toBe(1);
      expect(valueOf(samples, 'agent_gateway_turns_ended_total', { ...turn, outcome: 'finished' })).toBe(1);
      expect(valueOf(samples, 'agent_gateway_turn_duration_seconds_count', { ...turn, outcome: 'finished' })).toBe(1);
      expect(valueOf(samples, 'agent_gateway_turn_duration_seconds_sum', { ...turn, outcome: 'finished' })).toBeGreaterThan(0);
    }
    expect(valueOf(samples, 'agent_gateway_tool_calls_total', { tool: 'calculator' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_tool_calls_total', { tool: 'current_time' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_tool_failures_total', { tool: 'calculator' })).toBeUndefined();
    // Each turn asked the model twice: for the tool call, then for the answer.
    const call = { provider: 'builtin', model: 'builtin-rules', outcome: 'ok' };
    expect(valueOf(samples, 'agent_gateway_model_call_duration_seconds_count', call)).toBe(4);
    expect(valueOf(samples, 'agent_gateway_model_call_duration_seconds_bucket', { ...call, le: '+Inf' })).toBe(4);
    expect(valueOf(samples, 'agent_gateway_model_tokens_total', { model: 'builtin-rules', type: 'input' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'agent_gateway_model_tokens_total', { model: 'builtin-rules', type: 'output' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'agent_gateway_event_log_append_duration_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(samples, 'agent_gateway_event_log_store_lag_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(samples, 'agent_gateway_turns', { state: 'running' })).toBe(0);
    expect(valueOf(samples, 'agent_gateway_turns', { state: 'waiting' })).toBe(0);
    // The chat socket is still open; the interact one was closed by the server after its turn.
    expect(valueOf(samples, 'agent_gateway_websocket_connections', { protocol: 'chat' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_websocket_connections', { protocol: 'interact' })).toBe(0);
    // Default process metrics, from this app's own registry.
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    chat.close();
    await chat.closed;
    await expect.poll(async () => valueOf(await scrape(`${t.httpUrl}/metrics`), 'agent_gateway_websocket_connections', { protocol: 'chat' })).toBe(0);
  });

  it('counts an interactive session as a turn of the one engine, with its model call', async () => {
    const before = await scrape(`${t.httpUrl}/metrics`);
    const call = { provider: 'builtin', model: 'builtin-rules', outcome: 'ok' };
    const callsBefore = valueOf(before, 'agent_gateway_model_call_duration_seconds_count', call) ?? 0;
    const session = await TestSocket.open(`${t.wsUrl}/base/testing/interactive?message=4x4&session_id=metrics-session`, { headers: { Authorization: `Bearer ${alice}` } });
    expect(await session.next()).toMatchObject({ message: expect.any(String) as string });
    session.send({ type: 'chat', message: '16', metadata: null });
    expect((await session.closed).code).toBe(1000);

    const samples = await scrape(`${t.httpUrl}/metrics`);
    const turn = { agent: 'assistant', protocol: 'interactive' };
    expect(valueOf(samples, 'agent_gateway_turns_started_total', turn)).toBe(1);
    expect(valueOf(samples, 'agent_gateway_turns_ended_total', { ...turn, outcome: 'finished' })).toBe(1);
    // The model chose the action once; the turn's actions show as its tool calls.
    expect(valueOf(samples, 'agent_gateway_model_call_duration_seconds_count', call)).toBe(callsBefore + 1);
    expect(valueOf(samples, 'agent_gateway_tool_calls_total', { tool: 'MathProblem' })).toBe(1);
  });

  it('counts refusals by code: REST errors and refused WebSocket upgrades', async () => {
    expect((await fetch(`${t.httpUrl}/auth/me`)).status).toBe(401);
    expect((await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await TestSocket.refusal(`${t.wsUrl}/chat/metrics-chat`)).status).toBe(401);
    expect((await TestSocket.refusal(`${t.wsUrl}/nowhere`, { headers: { Authorization: `Bearer ${alice}` } })).status).toBe(404);

    const samples = await scrape(`${t.httpUrl}/metrics`);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'http', code: 'auth.missing_token' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'http', code: 'auth.invalid_token' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'ws', code: 'auth.missing_token' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'ws', code: 'not_found' })).toBe(1);
  });
});

describe('GET /metrics with a scripted model, over POST /agent/run', () => {
  const { app, model } = useScriptedModel();
  const run = (task: string) =>
    fetch(`${app().httpUrl}/agent/run`, { method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ task }) });

  it('counts a failed tool call, the provider-reported tokens, a failed model call and a failed turn', async () => {
    model.enqueue(
      { kind: 'tool_calls', calls: [{ name: 'calculator', arguments: {} }], usage: { prompt_tokens: 7, completion_tokens: 3 } },
      { kind: 'text', chunks: ['It ', 'failed.'], usage: { prompt_tokens: 11, completion_tokens: 5 } },
      { kind: 'status', status: 500 },
    );
    expect((await run('what is nothing?')).status).toBe(200);
    expect((await run('and now?')).status).toBe(502);

    const samples = await scrape(`${app().httpUrl}/metrics`);
    const turn = { agent: 'assistant', protocol: 'rest' };
    expect(valueOf(samples, 'agent_gateway_turns_started_total', turn)).toBe(2);
    expect(valueOf(samples, 'agent_gateway_turns_ended_total', { ...turn, outcome: 'finished' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_turns_ended_total', { ...turn, outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_tool_calls_total', { tool: 'calculator' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_tool_failures_total', { tool: 'calculator' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_model_tokens_total', { model: 'test-model', type: 'input' })).toBe(18);
    expect(valueOf(samples, 'agent_gateway_model_tokens_total', { model: 'test-model', type: 'output' })).toBe(8);
    const call = { provider: 'openai-compatible', model: 'test-model' };
    expect(valueOf(samples, 'agent_gateway_model_call_duration_seconds_count', { ...call, outcome: 'ok' })).toBe(2);
    expect(valueOf(samples, 'agent_gateway_model_call_duration_seconds_count', { ...call, outcome: 'error' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'http', code: 'model.unavailable' })).toBe(1);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => t.close());

  it('answers 401 without the token or with another one, and the metrics with it', async () => {
    const missing = await fetch(`${t.httpUrl}/metrics`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ statusCode: 401, code: 'auth.missing_token' });
    const wrong = await fetch(`${t.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'auth.invalid_token' });
    // A user's JWT is not the metrics token.
    expect((await fetch(`${t.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${alice}` } })).status).toBe(401);

    const samples = await scrape(`${t.httpUrl}/metrics`, METRICS_TOKEN);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'http', code: 'auth.missing_token' })).toBe(1);
    expect(valueOf(samples, 'agent_gateway_refusals_total', { transport: 'http', code: 'auth.invalid_token' })).toBe(2);
  });
});

describe('GET /metrics with METRICS_PORT', () => {
  let t: TestApp;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({ env: { METRICS_PORT: String(port), METRICS_TOKEN } });
  });
  afterAll(() => t.close());

  it('serves the metrics on that port alone, with the token', async () => {
    expect((await fetch(`${t.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    const refused = await fetch(`${metricsUrl}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'auth.missing_token' });
    expect((await fetch(`${metricsUrl}/other`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);

    const samples = await scrape(`${metricsUrl}/metrics`, METRICS_TOKEN);
    expect(valueOf(samples, 'agent_gateway_turns', { state: 'waiting' })).toBe(0);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});

describe('METRICS_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('serves no /metrics', async () => {
    expect((await fetch(`${t.httpUrl}/metrics`)).status).toBe(404);
  });
});
