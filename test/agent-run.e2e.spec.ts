import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HistoryRepository } from '../src/history/history.repository';
import { useScriptedModel } from './support/scripted-model';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';

const API_KEY = 'sk-test-key';
const TOKEN = signToken('alice');

interface Step {
  step_type: string;
  content: string;
}

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: string[];
}

function postRun(t: TestApp, body: unknown, init: { token?: string | null; signal?: AbortSignal } = {}): Promise<Response> {
  const token = init.token === undefined ? TOKEN : init.token;
  return fetch(`${t.httpUrl}/agent/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

async function countRows(t: TestApp, table: 'chats' | 'chat_events'): Promise<number> {
  const rows = await t.app.get(DataSource).query<Array<{ n: number | string }>>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('POST /agent/run with the built-in model', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers the steps in order, shaped {step_type, content}, and stores nothing', async () => {
    const res = await postRun(t, { chat_id: 'chat_id47', task: 'get all contacts' });
    expect(res.status).toBe(200);
    const steps = (await res.json()) as Step[];
    expect(steps.map((step) => step.step_type)).toEqual(['ActionStep', 'FinalAnswerStep']);
    for (const step of steps) expect(Object.keys(step).sort()).toEqual(['content', 'step_type']);
    expect(steps[0]!.content).toMatch(/^Execution logs:\nCalled tool contacts with arguments: \{\}\nObservation: \[/);
    const answer = steps[1]!.content;
    expect(answer).toMatch(/^I found 20 contacts:\n/);
    expect(answer.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(20);

    expect(await t.app.get(HistoryRepository).findOwner('chat_id47')).toBeNull();
    expect(await countRows(t, 'chats')).toBe(0);
    expect(await countRows(t, 'chat_events')).toBe(0);
  });

  it('runs without a chat_id', async () => {
    const res = await postRun(t, { task: 'what is 12 * 7?' });
    expect(res.status).toBe(200);
    const steps = (await res.json()) as Step[];
    expect(steps.at(-1)).toMatchObject({ step_type: 'FinalAnswerStep', content: expect.stringContaining('84') as string });
    expect(await countRows(t, 'chats')).toBe(0);
  });

  it('runs the agent it is asked for: the planner plans first', async () => {
    const res = await postRun(t, { chat_id: 'chat_id47', task: 'get all contacts', agent: 'planner' });
    expect(res.status).toBe(200);
    const steps = (await res.json()) as Step[];
    expect(steps.map((step) => step.step_type)).toEqual(['PlanningStep', 'ActionStep', 'FinalAnswerStep']);
    expect(steps[0]!.content).toMatch(/^Plan:\n/);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await postRun(t, { task: 'get all contacts' }, { token: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, code: 'auth.missing_token' });
  });

  it.each([
    ['a missing task', {}, 'task must be a string'],
    ['an empty task', { task: '' }, 'task should not be empty'],
    ['a task over 20000 characters', { task: 'x'.repeat(20001) }, 'task must be shorter than or equal to 20000 characters'],
    ['a task that is not a string', { task: 42 }, 'task must be a string'],
    ['a chat_id that is not a string', { task: 'hi', chat_id: 47 }, 'chat_id must be a string'],
    ['a chat_id with bad characters', { task: 'hi', chat_id: 'chat/47' }, 'chat_id must be 1–128 characters of letters, digits, _ . : or -'],
    ['an agent that is not a string', { task: 'hi', agent: ['planner'] }, 'agent must be a string'],
  ])('refuses %s with 400 and details', async (_name, body, detail) => {
    const res = await postRun(t, body);
    expect(res.status).toBe(400);
    const error = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect(error.details).toContain(detail);
  });

  it('ignores fields it does not know, as the original (pydantic) server does', async () => {
    const res = await postRun(t, { chat_id: 'chat_id47', task: 'what is 12 * 7?', memory: true, options: { temperature: 0 } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Step[]).at(-1)).toMatchObject({ step_type: 'FinalAnswerStep', content: expect.stringContaining('84') as string });
  });

  it('still validates the fields it knows when unknown ones come along', async () => {
    const res = await postRun(t, { task: 42, chat_id: 'chat/47', memory: true });
    expect(res.status).toBe(400);
    const error = (await res.json()) as ErrorBody;
    expect(error.details).toEqual(expect.arrayContaining(['task must be a string', 'chat_id must be 1–128 characters of letters, digits, _ . : or -']));
    expect(error.details!.some((detail) => detail.includes('memory'))).toBe(false);
  });

  it('refuses an unknown agent with 400, naming the registered ones', async () => {
    const res = await postRun(t, { task: 'hi', agent: 'nobody' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      statusCode: 400,
      code: 'agent.unknown_agent',
      details: ['agent must be a registered agent: assistant, planner'],
    });
  });
});

describe('POST /agent/run against an OpenAI-compatible provider', () => {
  // RUN_TIMEOUT_MS far beyond the tests, so an aborted model request can only come from the client leaving.
  const { app, model: server } = useScriptedModel({ apiKey: API_KEY, env: { RUN_TIMEOUT_MS: '60000' } });

  it('maps a provider failure to 502 with its code, without the steps finished before it', async () => {
    server.enqueue({ kind: 'tool_calls', calls: [{ name: 'contacts', arguments: {} }] }, { kind: 'status', status: 401 });
    const res = await postRun(app(), { chat_id: 'chat_id47', task: 'get all contacts' });
    expect(res.status).toBe(502);
    const error = (await res.json()) as ErrorBody & { requestId: string };
    expect(error).toMatchObject({ statusCode: 502, code: 'model.unauthorized', message: expect.stringMatching(/answered 401 Unauthorized/) as string });
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'requestId', 'statusCode']);
    expect(server.requests).toHaveLength(2);
    expect(await countRows(app(), 'chats')).toBe(0);
  });

  it('cancels the run, and its model request, when the client disconnects', async () => {
    server.enqueue({ kind: 'hang', chunks: ['Thinking '] });
    const client = new AbortController();
    const pending = postRun(app(), { task: 'hello' }, { signal: client.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    client.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await server.waitForAbort();
  });
});

describe('POST /agent/run that outlives RUN_TIMEOUT_MS', () => {
  const { app, model: server } = useScriptedModel({ apiKey: API_KEY, env: { RUN_TIMEOUT_MS: '1000' } });

  it('answers 504 with run.timeout and drops the model request', async () => {
    server.enqueue({ kind: 'hang' });
    const res = await postRun(app(), { task: 'hello' });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ statusCode: 504, code: 'run.timeout', message: 'The run took longer than 1000 ms' });
    await server.waitForAbort();
  });
});
