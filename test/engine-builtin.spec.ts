import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRegistry } from '../src/agent/agent.registry';
import { assistantAgent } from '../src/agent/agents/assistant.agent';
import { AgentRunner } from '../src/agent/engine/agent-runner';
import type { RunEvent } from '../src/agent/run-events';
import { collect, ofType, ONE_TOOL_STEP_TURN, outline } from './support/run-events';
import { startTestApp, type TestApp } from './support/test-app';

describe('the engine with the built-in model', () => {
  let t: TestApp;
  let runner: AgentRunner;
  const run = (input: string, agentId?: string) => collect(runner.run({ chatId: 'chat-1', input, agentId }));

  beforeAll(async () => {
    t = await startTestApp();
    runner = t.app.get(AgentRunner);
  });
  afterAll(() => t.close());

  it('runs a multi-step turn: tool call → observation → streamed final answer', async () => {
    const events = await run('get all contacts');
    expect(outline(events)).toEqual(ONE_TOOL_STEP_TURN);
    expect(ofType(events, 'tool.call')[0]).toMatchObject({ step: 1, tool: 'contacts', args: {} });
    const result = ofType(events, 'tool.result')[0]!;
    expect(result.ok).toBe(true);
    expect(result.output).toHaveLength(20);
    const action = ofType(events, 'step.finished')[0]!;
    expect(action.content).toMatch(/^Execution logs:\nCalled tool contacts with arguments: \{\}\nObservation: \[/);
    expect(action.content).toContain('Last output: [');

    const deltas = ofType(events, 'text.delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    const answer = ofType(events, 'run.finished')[0]!.answer;
    expect(deltas.map((delta) => delta.delta).join('')).toBe(answer);
    expect(answer).toMatch(/^I found 20 contacts:/);
    expect(ofType(events, 'step.finished')[1]!.content).toBe(answer);
  });

  it('numbers every event of a run and stamps it with the chat, the run and the time', async () => {
    const events = await run('what is 12 * 7?');
    const runId = events[0]!.runId;
    events.forEach((event: RunEvent, index) => {
      expect(event).toMatchObject({ chatId: 'chat-1', runId, seq: index + 1 });
      expect(new Date(event.at).toISOString()).toBe(event.at);
    });
    expect(ofType(events, 'tool.call')[0]).toMatchObject({ tool: 'calculator', args: { expression: '12 * 7' } });
    expect(ofType(events, 'run.finished')[0]!.answer).toContain('84');
  });

  it('finds a contact by name', async () => {
    const events = await run('find contact alice');
    expect(ofType(events, 'tool.call')[0]).toMatchObject({ tool: 'contacts', args: { query: 'alice' } });
    expect(ofType(events, 'run.finished')[0]!.answer).toMatch(/^I found 1 contact:\n- Alice Moreau/);
  });

  it('answers an open question from the knowledge base, with its sources', async () => {
    const events = await run('How do refunds work?');
    expect(ofType(events, 'tool.call')[0]).toMatchObject({ tool: 'knowledge_search', args: { query: 'How do refunds work?' } });
    const sources = ofType(events, 'sources')[0]!.sources;
    expect(sources[0]).toMatchObject({ id: 'kb-refunds' });
    expect(ofType(events, 'run.finished')[0]!.answer).toMatch(/Sources: \[kb-refunds\]/);
  });

  it('hands off to a human when asked for a person', async () => {
    const events = await run('I want to talk to a person');
    expect(outline(events)).toContain('handoff');
    expect(ofType(events, 'handoff')[0]!.reason).toContain('talk to a person');
    expect(ofType(events, 'run.finished')[0]!.answer).toMatch(/human colleague/);
  });

  it('plans first with a planning interval', async () => {
    const events = await run('4x4', 'planner');
    const [started, ...turn] = ONE_TOOL_STEP_TURN;
    expect(outline(events)).toEqual([started, 'step.started', 'text.delta', 'step.finished:PlanningStep', ...turn]);
    expect(ofType(events, 'step.started').map((started) => started.planning)).toEqual([true, false, false]);
    expect(ofType(events, 'step.finished')[0]!.content).toMatch(/^Plan:\n1\. Evaluate the expression/);
    expect(ofType(events, 'run.finished')[0]!.answer).toContain('16');
  });

  it('answers without tools once the agent is out of steps', async () => {
    t.app.get(AgentRegistry).register({ ...assistantAgent, id: 'no-steps', maxSteps: 0 });
    const events = await run('get all contacts', 'no-steps');
    expect(outline(events)).toEqual(['run.started', 'step.started', 'text.delta', 'step.finished:FinalAnswerStep', 'run.finished']);
  });

  it('stops when cancelled mid-stream and ends with run.cancelled', async () => {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    for await (const event of runner.run({ chatId: 'chat-1', input: 'get all contacts', signal: controller.signal })) {
      events.push(event);
      if (event.type === 'text.delta') controller.abort('user pressed stop');
    }
    expect(events.at(-1)).toMatchObject({ type: 'run.cancelled', reason: 'user pressed stop' });
    expect(ofType(events, 'text.delta')).toHaveLength(1);
    expect(ofType(events, 'run.finished')).toHaveLength(0);
  });

  it('fails an unknown agent with a coded error', async () => {
    const events = await run('hello', 'nobody');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'run.failed', error: { code: 'agent.unknown_agent' } });
  });
});
