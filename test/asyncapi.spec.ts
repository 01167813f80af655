import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ASYNCAPI_FILE, channelOf, frameProblems, type FrameChannel, type FrameDirection } from './support/frame-contract';
import { startTestApp, type TestApp } from './support/test-app';

const text = readFileSync(ASYNCAPI_FILE, 'utf8');

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI document: no errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    // Errors and warnings; information (such as "AsyncAPI 3.1 exists") and hints are fine.
    const serious = diagnostics
      .filter((diagnostic) => Number(diagnostic.severity) <= Number(DiagnosticSeverity.Warning))
      .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
    expect(serious).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.operations().all().map((operation) => operation.id()).sort()).toEqual([
      'receiveChatAuth',
      'receiveChatFrames',
      'receiveInteractAuth',
      'receiveInteractFrames',
      'receiveInteractiveAuth',
      'receiveInteractiveFrames',
      'sendChatAuth',
      'sendChatFrames',
      'sendInteractAuth',
      'sendInteractFrames',
      'sendInteractiveAuth',
      'sendInteractiveFrames',
    ]);
  });

  it('has examples that are valid frames of their operation (the parser does not check them)', () => {
    const document = parse(text) as {
      operations: Record<string, { action: FrameDirection; channel: { $ref: string }; messages: Array<{ $ref: string }> }>;
      components: { messages: Record<string, { examples?: Array<{ payload: unknown }> }> };
    };
    const problems: string[] = [];
    for (const operation of Object.values(document.operations)) {
      const channel = operation.channel.$ref.split('/').at(-1) as FrameChannel;
      for (const { $ref } of operation.messages) {
        for (const example of document.components.messages[$ref.split('/').at(-1)!]?.examples ?? []) {
          problems.push(frameProblems(channel, operation.action, example.payload) ?? '');
        }
      }
    }
    expect(problems.length).toBeGreaterThan(10);
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it('refuses wrong frames, so the checks of the e2e specs are not vacuous', () => {
    const step = { type: 'agent_step', step_type: 'FinalAnswerStep', message: '84', message_id: 'm1', chat_id: 'c1', seq: 3 };
    expect(frameProblems('chat', 'send', step)).toBeNull();
    expect(frameProblems('chat', 'send', { ...step, type: 'agent_steps' })).toMatch(/matches no message/);
    expect(frameProblems('chat', 'send', { ...step, seq: undefined })).toMatch(/AgentStepFrame: \/ must have required property 'seq'/);
    expect(frameProblems('chat', 'send', { ...step, stray: true })).toMatch(/must NOT have additional properties \(stray\)/);
    expect(frameProblems('chat', 'send', { ...step, step_type: 'ThinkingStep' })).toMatch(/step_type/);
    expect(frameProblems('chat', 'receive', { type: 'client', message: 'hi' })).toMatch(/message_id/);

    const end = { type: 'turn_end', status: 'complete', role: 'assistant', convoId: 'c1', seq: 9 };
    expect(frameProblems('interact', 'send', end)).toBeNull();
    expect(frameProblems('interact', 'send', { ...end, status: 'done' })).toMatch(/status/);
    expect(frameProblems('interact', 'send', { type: 'error', error: { code: 'oops', message: 'x' }, seq: 0 })).toMatch(/code/);
    expect(frameProblems('interact', 'receive', { agentId: 'assistant', bucket: '(default)' })).toMatch(/convoId/);
    expect(frameProblems('interact', 'receive', { agentId: 'assistant', convoId: 'c1', bucket: '(default)', type: 'prompt' })).toMatch(/matches no message/);

    expect(frameProblems('interactive', 'send', { message: 'your answer?', seq: 1 })).toBeNull();
    expect(frameProblems('interactive', 'send', { message: 'your answer?' })).toMatch(/seq/);
    expect(frameProblems('interactive', 'send', { event: 'error', data: { code: 'interactive.not_waiting' }, seq: 1 })).toMatch(/message/);
    expect(frameProblems('interactive', 'receive', { type: 'chat', message: 16 })).toMatch(/message/);
  });

  it('names the protocol of every socket path, and refuses paths that are none', () => {
    expect(channelOf('/chat/chat_id47')).toBe('chat');
    expect(channelOf('/interact')).toBe('interact');
    expect(channelOf('/base/testing/interactive')).toBe('interactive');
    expect(channelOf('/probe/room')).toBeNull();
    expect(() => channelOf('/nowhere')).toThrow(/not a path of the three protocols/);
  });
});

describe('GET /asyncapi.yaml', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('serves docs/asyncapi.yaml byte for byte, without a token', async () => {
    const response = await fetch(`${t.httpUrl}/asyncapi.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(ASYNCAPI_FILE))).toBe(true);
  });
});
