import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRegistry } from '../src/agent/agent.registry';
import { Contact } from '../src/agent/tools/contacts/contact.entity';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { platformTurn, textOf } from './support/platform-client';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { WeatherModule } from './support/weather.module';
import { TestSocket } from './support/ws-client';

const token = signToken('alice');
const auth = { headers: { Authorization: `Bearer ${token}` } };
const interactObject = (convoId: string, prompt: string, agentId: string) => ({
  agentId,
  convoId,
  bucket: 'voiceglow-eu',
  prompt,
  agentData: { ownerID: 'alice', userID: 'alice' },
});
const toolNames = (request: { body: { tools?: Array<{ function: { name: string } }> } }) => (request.body.tools ?? []).map((tool) => tool.function.name).sort();

/** A weather service on 127.0.0.1, as a team's tool would call over HTTP. */
async function startWeatherApi(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const city = new URL(req.url ?? '/', 'http://localhost').searchParams.get('city');
    res.writeHead(city ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(city ? { city, summary: 'Sunny', highC: 24 } : { error: 'city is required' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe("a team's own agent, tool and interactive router, with DEMO_CONTENT=off", () => {
  const model = new OpenAiCompatibleServer();
  let weather: Awaited<ReturnType<typeof startWeatherApi>>;
  let t: TestApp;

  beforeAll(async () => {
    await model.start();
    weather = await startWeatherApi();
    t = await startTestApp({
      env: { MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0', DEMO_CONTENT: 'off' },
      imports: [WeatherModule.forRoot({ baseUrl: weather.url })],
    });
  });
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
    weather.requests.length = 0;
  });
  afterAll(async () => {
    await t?.close();
    await model.stop();
    await new Promise((resolve) => weather.server.close(resolve));
  });

  it('hosts the custom agent beside ours, without the demo tools', () => {
    const registry = t.app.get(AgentRegistry);
    expect(registry.list().map((agent) => agent.id)).toEqual(['assistant', 'planner', 'weather']);
    expect(registry.get('assistant').tools).toEqual(['calculator', 'current_time', 'request_handoff']);
  });

  it('runs a turn over WS /interact: the custom tool calls the HTTP API and the model gets its result', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'forecast', arguments: { city: 'Lisbon' } }] }, { kind: 'text', chunks: ['Lisbon: sunny, ', 'up to 24 °C.'] });
    const turn = await platformTurn(`${t.wsUrl}/interact`, token, interactObject('weather-1', 'Weather in Lisbon?', 'weather'));
    expect(turn.code).toBe(1000);
    expect(weather.requests).toEqual(['/forecast?city=Lisbon']);
    const toolCall = turn.frames.find((frame) => frame.type === 'action');
    expect(toolCall).toMatchObject({
      action: { type: 'tool_call', toolMetadata: { toolName: 'forecast', input: { city: 'Lisbon' }, output: { city: 'Lisbon', summary: 'Sunny', highC: 24 } } },
    });
    expect(textOf(turn.frames)).toBe('Lisbon: sunny, up to 24 °C.');

    const [first, second] = model.requests;
    expect(first!.body.model).toBe('weather-model');
    expect(first!.body.messages![0]).toMatchObject({ role: 'system', content: expect.stringContaining('You are a weather assistant.') as string });
    expect(toolNames(first!)).toEqual(['current_time', 'forecast']);
    const observation = second!.body.messages!.find((message) => message.role === 'tool');
    expect(JSON.stringify(observation)).toContain('Sunny');
  });

  it('shows the observation in the steps of POST /agent/run, and a failing API as an observation, not a crash', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'forecast', arguments: { city: 'Oslo' } }] }, { kind: 'text', chunks: ['Oslo: sunny.'] });
    const response = await fetch(`${t.httpUrl}/agent/run`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'Weather in Oslo?', agent: 'weather' }),
    });
    expect(response.status).toBe(200);
    const steps = (await response.json()) as Array<{ step_type: string; content: string }>;
    expect(steps.map((step) => step.step_type)).toEqual(['ActionStep', 'FinalAnswerStep']);
    expect(steps[0]!.content).toContain('Called tool forecast with arguments: {"city":"Oslo"}');
    expect(steps[0]!.content).toContain('"summary":"Sunny"');
    expect(steps[1]!.content).toBe('Oslo: sunny.');
  });

  it('refuses arguments that break the tool schema before the HTTP API is called', async () => {
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'forecast', arguments: { city: '' } }] }, { kind: 'text', chunks: ['Which city?'] });
    const turn = await platformTurn(`${t.wsUrl}/interact`, token, interactObject('weather-2', 'Weather?', 'weather'));
    expect(textOf(turn.frames)).toBe('Which city?');
    expect(weather.requests).toEqual([]);
  });

  it('offers the assistant only calculator, current_time and request_handoff', async () => {
    model.enqueue({ kind: 'text', chunks: ['I cannot look up contacts.'] });
    const turn = await platformTurn(`${t.wsUrl}/interact`, token, interactObject('plain-1', 'get all contacts', 'assistant'));
    expect(textOf(turn.frames)).toBe('I cannot look up contacts.');
    expect(toolNames(model.requests[0]!)).toEqual(['calculator', 'current_time', 'request_handoff']);
  });

  it('mounts the custom interactive router, and not the demo routes', async () => {
    const hello = await TestSocket.open(`${t.wsUrl}/base/weather/hello?message=hi`, auth);
    expect(await hello.next()).toEqual({ message: 'Hello alice, ask me about the weather.' });
    expect((await hello.closed).code).toBe(1000);
    for (const route of ['testing/interactive', 'testing/quick']) {
      const refusal = await TestSocket.refusal(`${t.wsUrl}/base/${route}?message=4x4`, auth);
      expect(refusal).toMatchObject({ status: 404, body: { code: 'interactive.route_not_found' } });
    }
  });

  it('leaves the demo tables empty', async () => {
    expect(await t.app.get(DataSource).getRepository(Contact).count()).toBe(0);
  });
});

describe('the built-in model with DEMO_CONTENT=off', () => {
  let t: TestApp;
  const run = async (task: string) => {
    const response = await fetch(`${t.httpUrl}/agent/run`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ task }),
    });
    return (await response.json()) as Array<{ step_type: string; content: string }>;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { DEMO_CONTENT: 'off' } });
  });
  afterAll(() => t?.close());

  it('keeps the assistant working with its other tools', async () => {
    const steps = await run('4x4');
    expect(steps[0]!.content).toContain('Called tool calculator');
    expect(steps.at(-1)!.content).toContain('16');
  });

  it('has no contacts to look up', async () => {
    const steps = await run('get all contacts');
    expect(steps.map((step) => step.step_type)).toEqual(['FinalAnswerStep']);
    expect(steps[0]!.content).not.toMatch(/Alice Moreau/);
  });
});
