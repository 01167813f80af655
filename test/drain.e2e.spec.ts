import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { ServerProcess } from './support/server-process';
import { signToken, TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

const bearer = { headers: { Authorization: `Bearer ${signToken('alice')}` } };
const SERVICE_RESTART = { code: 1012, reason: 'service restart' };

describe('draining on SIGTERM, as a deployment restarts the process', () => {
  const model = new OpenAiCompatibleServer();
  let dataDir: string;
  let server: ServerProcess | undefined;

  const start = async (env: Record<string, string> = {}) => {
    server = new ServerProcess({ PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, ...env });
    const url = await server.listening();
    return { http: url, ws: url.replace('http', 'ws'), proc: server };
  };
  const scripted = (env: Record<string, string> = {}) =>
    start({ MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0', ...env });
  /** SIGTERM, then wait until the process says it drains, so what follows happens during the drain. */
  const terminate = async (proc: ServerProcess) => {
    proc.signal('SIGTERM');
    await proc.waitFor((line) => line.msg.startsWith('Draining'));
  };

  beforeAll(() => model.start());
  afterAll(() => model.stop());
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'agw-drain-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes an idle chat socket with 1012 "service restart" and exits 0', async () => {
    const { ws, proc } = await start();
    const socket = await TestSocket.open(`${ws}/chat/idle`, bearer);
    socket.send({ type: 'client', message: 'what is 12 * 7', message_id: 'q' });
    expect((await untilEnd(socket, 'q')).find((frame) => frame.step_type === 'FinalAnswerStep')?.message).toContain('84');

    proc.signal('SIGTERM');
    expect(await socket.closed).toEqual(SERVICE_RESTART);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses new upgrades with 503 server.draining while a running turn finishes, then closes with 1012', async () => {
    model.enqueue({ kind: 'delay', ms: 2500, then: { kind: 'text', chunks: ['finished ', 'during the drain'] } });
    const { http, ws, proc } = await scripted();
    const socket = await TestSocket.open(`${ws}/chat/busy`, bearer);
    socket.send({ type: 'client', message: 'take your time', message_id: 'slow' });
    await expect.poll(() => model.requests.length).toBe(1);

    await terminate(proc);
    const refusal = await TestSocket.refusal(`${ws}/chat/another`, bearer);
    expect(refusal.status).toBe(503);
    expect(refusal.body).toMatchObject({ statusCode: 503, code: 'server.draining', requestId: expect.any(String) as string });
    expect(refusal.headers['retry-after']).toBe('1');
    expect((await fetch(`${http}/health`)).status).toBe(200);
    const ready = await fetch(`${http}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'error', error: { server: { status: 'down', message: 'Draining for shutdown' } } });
    expect((await fetch(`${http}/health/live`)).status).toBe(200);

    // The running turn ends normally: ConversationService.beforeApplicationShutdown waits for it.
    const frames = await untilEnd(socket, 'slow');
    expect(frames.map((frame) => frame.message ?? frame.type)).toEqual(['finished during the drain', 'message_end']);
    expect(await socket.closed).toEqual(SERVICE_RESTART);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('cancels a turn that outlasts SHUTDOWN_TIMEOUT_MS, still closes with 1012 and exits 0, not 1', async () => {
    model.enqueue({ kind: 'hang', chunks: ['Thinking'] });
    const { ws, proc } = await scripted({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const socket = await TestSocket.open(`${ws}/chat/endless`, bearer);
    socket.send({ type: 'client', message: 'think forever', message_id: 'long' });
    await expect.poll(() => model.requests.length).toBe(1);

    const stopping = Date.now();
    await terminate(proc);
    await model.waitForAbort();
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(900);
    expect(await socket.closed).toEqual(SERVICE_RESTART);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
