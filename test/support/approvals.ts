import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Frame } from './chat-client';
import type { DatabaseKind } from './databases';
import { ApprovalModule } from './approval.module';
import { OpenAiCompatibleServer } from './openai-compatible-server';
import { startTestApp, type TestApp } from './test-app';
import { signToken } from './tokens';
import type { TestSocket } from './ws-client';

export const as = (sub: string) => ({ Authorization: `Bearer ${signToken(sub)}` });
export const alice = { headers: as('alice') };
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const pay = (amount: number) => ({ kind: 'tool_calls' as const, calls: [{ name: 'pay', arguments: { to: 'bob', amount } }] });
export const calc = { kind: 'tool_calls' as const, calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] };
export const answer = (text: string) => ({ kind: 'text' as const, chunks: [text] });

/** Reads frames until one of `type`, returning it. */
export async function until(socket: TestSocket, type: string): Promise<Frame> {
  for (;;) {
    const frame = await socket.next<Frame>();
    if (frame.type === type) return frame;
  }
}

/** The tool messages of the model's request `n`, as text. */
export const toolMessages = (model: OpenAiCompatibleServer, n: number) =>
  (model.requests[n]!.body.messages ?? [])
    .filter((message) => message.role === 'tool')
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
    .join('\n');

/** An app on a scripted model with the test module's `pay` tool and `payer` agent; every scripted reply must be used. */
export function useApprovalApp(database: DatabaseKind, env: Record<string, string> = {}): { app: () => TestApp; model: OpenAiCompatibleServer } {
  const model = new OpenAiCompatibleServer();
  let t: TestApp;
  beforeAll(async () => {
    await model.start();
    const modelEnv = { MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0' };
    t = await startTestApp({ database, env: { ...modelEnv, ...env }, imports: [ApprovalModule] });
  });
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await t.close();
    await model.stop();
  });
  return { app: () => t, model };
}
