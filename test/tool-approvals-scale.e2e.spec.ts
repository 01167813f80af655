import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { alice, answer, calc, until } from './support/approvals';
import { postgres, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { redisUrl } from './support/redis';
import { startTestApp, type TestApp } from './support/test-app';
import { TestSocket } from './support/ws-client';

// Redis is shared by every spec run on the machine: each run uses chat ids of its own.
const chatId = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

describe.skipIf(!postgres.available)('tool approval across two instances (PostgreSQL and Redis)', () => {
  const model = new OpenAiCompatibleServer();
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    await model.start();
    db = await postgres.create();
    const env = { REDIS_URL: redisUrl(), TOOLS_REQUIRING_APPROVAL: 'calculator', MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0' };
    for (let i = 0; i < 2; i += 1) apps.push(await startTestApp({ databaseUrl: db.url, env }));
  }, 60000);
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
    await model.stop();
  });

  it('a decision sent to the other instance, on a socket or over REST, reaches the run', async () => {
    const chat = chatId('two');
    const [a, b] = apps as [TestApp, TestApp];
    model.enqueue(calc, answer('42 from A.'), calc, answer('Not computed.'));
    const onA = await TestSocket.open(`${a.wsUrl}/chat/${chat}`, alice);
    const onB = await TestSocket.open(`${b.wsUrl}/chat/${chat}`, alice);
    onA.send({ type: 'client', message: 'what is 6*7?', message_id: 's1' });
    const first = await until(onA, 'approval_request');
    onB.send({ type: 'approve', approval_id: first.approval_id });
    expect((await untilEnd(onA, 's1')).map((frame) => frame.step_type ?? frame.type)).toEqual(['approval_result', 'ActionStep', 'FinalAnswerStep', 'message_end']);

    onA.send({ type: 'client', message: 'again?', message_id: 's2' });
    const second = await until(onA, 'approval_request');
    const headers = { ...alice.headers, 'content-type': 'application/json' };
    const decided = await fetch(`${b.httpUrl}/approvals/${String(second.approval_id)}`, { method: 'POST', headers, body: JSON.stringify({ approved: false, reason: 'no' }) });
    expect(decided.status).toBe(200);
    expect((await untilEnd(onA, 's2'))[0]).toMatchObject({ type: 'approval_result', approved: false, reason: 'no' });
    onA.close();
    onB.close();
    // The server's side of the closes (leaving the chat's presence in Redis) ends before the apps close Redis.
    await Promise.all([onA.closed, onB.closed]);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
