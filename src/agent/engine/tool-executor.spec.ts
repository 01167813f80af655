import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from '../tools/agent-tool';
import { executeTool, toolMessages } from './tool-executor';

const echo: AgentTool = {
  name: 'echo',
  description: 'Echoes',
  inputSchema: z.object({ text: z.string() }),
  execute: (args: { text: string }) => Promise.resolve({ said: args.text, at: new Date(0) }),
};
const broken: AgentTool = {
  name: 'broken',
  description: 'Always fails',
  inputSchema: z.object({}),
  execute: () => Promise.reject(new Error('the backend is down')),
};
const tools = new Map([echo, broken].map((tool) => [tool.name, tool]));
const context = { chatId: 'c', runId: 'r', signal: new AbortController().signal };

describe('executeTool', () => {
  it('runs a valid call and returns plain JSON', async () => {
    expect(await executeTool(tools, { callId: '1', tool: 'echo', args: { text: 'hi' } }, context)).toEqual({
      callId: '1',
      tool: 'echo',
      args: { text: 'hi' },
      ok: true,
      output: { said: 'hi', at: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('refuses invalid arguments before the tool runs, saying which field is wrong', async () => {
    const outcome = await executeTool(tools, { callId: '2', tool: 'echo', args: { text: 5 } }, context);
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toMatch(/^Invalid arguments for echo: .*text/s);
  });

  it('turns a throwing tool into a failed observation', async () => {
    expect(await executeTool(tools, { callId: '3', tool: 'broken', args: {} }, context)).toMatchObject({
      ok: false,
      output: 'broken failed: the backend is down',
    });
  });

  it('tells the model which tools exist when it calls an unknown one', async () => {
    expect(await executeTool(tools, { callId: '4', tool: 'rm_rf', args: {} }, context)).toMatchObject({
      ok: false,
      output: 'There is no tool named "rm_rf"; use one of: echo, broken',
    });
  });

  it('lets cancellation through instead of reporting it as a tool failure', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(executeTool(tools, { callId: '5', tool: 'broken', args: {} }, { ...context, signal: controller.signal })).rejects.toThrow(
      'the backend is down',
    );
  });
});

describe('toolMessages', () => {
  it('pairs each call with its result for the next model step', () => {
    const [assistant, tool] = toolMessages('Looking.', [
      { callId: '1', tool: 'echo', args: { text: 'hi' }, ok: true, output: { said: 'hi' } },
      { callId: '2', tool: 'broken', args: {}, ok: false, output: 'broken failed: down' },
    ]);
    expect(assistant).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool-call', toolCallId: '1', toolName: 'echo', input: { text: 'hi' } },
        { type: 'tool-call', toolCallId: '2', toolName: 'broken', input: {} },
      ],
    });
    expect(tool).toEqual({
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: '1', toolName: 'echo', output: { type: 'json', value: { said: 'hi' } } },
        { type: 'tool-result', toolCallId: '2', toolName: 'broken', output: { type: 'error-text', value: 'broken failed: down' } },
      ],
    });
  });
});
