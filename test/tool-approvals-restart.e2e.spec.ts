import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { alice, answer, calc, until } from './support/approvals';
import { databaseKinds, type TestDatabase } from './support/databases';
import { OpenAiCompatibleServer } from './support/openai-compatible-server';
import { ServerProcess } from './support/server-process';
import { TEST_SECRET } from './support/tokens';
import { TestSocket } from './support/ws-client';

const kinds = databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const);

describe.each(kinds)('a run waiting for approval survives kill -9 and a restart (%s)', (_name, database) => {
  const model = new OpenAiCompatibleServer();
  const servers: ServerProcess[] = [];
  let dataDir: string;
  let db: TestDatabase;
  const start = async () => {
    const env = { PORT: '0', DATA_DIR: dataDir, DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info', TOOLS_REQUIRING_APPROVAL: 'calculator' };
    const server = new ServerProcess({ ...env, MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'test-model', MODEL_MAX_RETRIES: '0' });
    servers.push(server);
    return server.listening();
  };
  beforeAll(async () => {
    await model.start();
    dataDir = mkdtempSync(join(tmpdir(), 'agw-approval-'));
    db = await database.create();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await model.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is still pending after the restart, and approving it over REST finishes the run', async () => {
    const first = await start();
    const socket = await TestSocket.open(`${first.replace('http', 'ws')}/chat/restart-1`, alice);
    model.enqueue(calc);
    socket.send({ type: 'client', message: 'what is 6*7?', message_id: 'r1' });
    const request = await until(socket, 'approval_request');
    await servers[0]!.stop();
    expect((await socket.closed).code).toBe(1006);

    const url = await start();
    const get = (path: string) => fetch(`${url}${path}`, alice).then((response) => response.json() as Promise<Frame[]>);
    expect(await get('/approvals?status=pending')).toEqual([expect.objectContaining({ approval_id: request.approval_id, chat_id: 'restart-1', tool: 'calculator' })]);
    model.enqueue(answer('After the restart: 42.'));
    const watcher = await TestSocket.open(`${url.replace('http', 'ws')}/chat/restart-1?after=${socket.lastSeq}`, alice);
    const decided = await fetch(`${url}/approvals/${String(request.approval_id)}`, { method: 'POST', headers: { ...alice.headers, 'content-type': 'application/json' }, body: JSON.stringify({ approved: true }) });
    expect(decided.status).toBe(200);
    const frames = await untilEnd(watcher, 'r1');
    expect(frames.map((frame) => frame.step_type ?? frame.type)).toEqual(['approval_result', 'ActionStep', 'FinalAnswerStep', 'message_end']);
    // The continued run gave the model the same context: the question, its call, and the call's result.
    const messages = JSON.stringify(model.requests.at(-1)!.body.messages);
    expect(messages).toContain('what is 6*7?');
    expect(messages).toContain('6*7');
    expect(messages).toContain('42');
    const history = await get('/history/restart-1');
    expect(history.map((row) => row.content)).toContain('After the restart: 42.');
    expect(await get('/approvals?status=pending')).toEqual([]);
    watcher.close();
  });

  it('a graceful stop (SIGTERM) neither waits for the decision nor cancels the run: the next process takes it up', async () => {
    const first = await start();
    const socket = await TestSocket.open(`${first.replace('http', 'ws')}/chat/restart-2`, alice);
    model.enqueue(calc);
    socket.send({ type: 'client', message: 'what is 6*7?', message_id: 'r2' });
    const request = await until(socket, 'approval_request');
    const stopping = servers.at(-1)!;
    const stoppedAt = Date.now();
    stopping.signal('SIGTERM');
    expect(await stopping.exited).toMatchObject({ code: 0 });
    // Not held for SHUTDOWN_TIMEOUT_MS (10 s) by a run that waits for a person.
    expect(Date.now() - stoppedAt).toBeLessThan(5000);

    const url = await start();
    const pending = (await (await fetch(`${url}/approvals?status=pending`, alice)).json()) as Frame[];
    expect(pending.map((item) => item.approval_id)).toEqual([request.approval_id]);
    model.enqueue(answer('Still 42.'));
    const watcher = await TestSocket.open(`${url.replace('http', 'ws')}/chat/restart-2?after=${socket.lastSeq}`, alice);
    const headers = { ...alice.headers, 'content-type': 'application/json' };
    const decided = await fetch(`${url}/approvals/${String(request.approval_id)}`, { method: 'POST', headers, body: JSON.stringify({ approved: true }) });
    expect(decided.status).toBe(200);
    const frames = await untilEnd(watcher, 'r2');
    expect(frames.map((frame) => frame.step_type ?? frame.type)).toEqual(['approval_result', 'ActionStep', 'FinalAnswerStep', 'message_end']);
    watcher.close();
  });
});
