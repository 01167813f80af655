import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { toolMessages } from '../../engine/tool-executor';
import { CalculatorTool } from '../../tools/calculator/calculator.tool';
import { AiSdkTurnStreamer } from '../ai-sdk-turn-streamer';
import { PLANNING_INSTRUCTION } from '../instructions';
import type { TurnRequest, TurnStreamer } from '../turn-streamer';
import { BuiltinModel } from './builtin-model';
import { BuiltinTurnStreamer } from './builtin-turn-streamer';

const calculator = new CalculatorTool();

async function turnOf(streamer: TurnStreamer, request: Omit<TurnRequest, 'signal'>) {
  const chunks: string[] = [];
  const stream = streamer.stream({ ...request, signal: new AbortController().signal });
  for (;;) {
    const next = await stream.next();
    if (next.done) return { chunks, text: next.value.text, calls: next.value.calls.map(({ tool, args }) => ({ tool, args })), modelId: next.value.modelId };
    chunks.push(next.value);
  }
}

const afterTool: ModelMessage[] = [
  { role: 'user', content: 'what is 12 * 7' },
  ...toolMessages('', [{ callId: 'c1', tool: 'calculator', args: { expression: '12 * 7' }, ok: true, output: { expression: '12 * 7', result: '84' } }]),
];

describe('the built-in model streamed directly, and through the AI SDK', () => {
  it.each([
    ['a tool call', { system: 'You help.', messages: [{ role: 'user', content: 'what is 12 * 7' }], tools: [calculator] }],
    ['the answer from an observation', { system: 'You help.', messages: afterTool, tools: [calculator] }],
    ['an answer in words without tools', { system: 'You help.', messages: [{ role: 'user', content: 'hello!' }], tools: [] }],
    ['a plan', { system: `You help.\n\n${PLANNING_INSTRUCTION}`, messages: [{ role: 'user', content: 'what is 12 * 7' }], tools: [] }],
  ] satisfies Array<[string, Omit<TurnRequest, 'signal'>]>)('gives the same turn for %s', async (_name, request) => {
    const direct = await turnOf(new BuiltinTurnStreamer(), request);
    const throughSdk = await turnOf(new AiSdkTurnStreamer(new BuiltinModel(), 0), request);
    expect(direct).toEqual(throughSdk);
    expect(direct.chunks.length + direct.calls.length).toBeGreaterThan(0);
  });

  it('stops with the signal’s reason once aborted', async () => {
    const controller = new AbortController();
    const stream = new BuiltinTurnStreamer().stream({ system: '', messages: [{ role: 'user', content: 'hello!' }], tools: [], signal: controller.signal });
    await stream.next();
    controller.abort(new Error('stop'));
    await expect(stream.next()).rejects.toThrow('stop');
  });
});
