import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../src/event-log/event-log';
import { RunRecovery } from '../src/event-log/run-recovery';
import { SessionExecutions } from '../src/interactive/session-executions';
import type { JournalRecord, NewLogEvent } from '../src/history/chat-log';
import { HistoryRepository } from '../src/history/history.repository';
import { databaseKinds, postgres, type DatabaseKind, type TestDatabase } from './support/databases';
import { redisUrl } from './support/redis';
import { ServerProcess } from './support/server-process';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken, TEST_SECRET } from './support/tokens';
import { TypedQuestionsModule, VERSIONED } from './support/typed-questions.module';
import { TestSocket } from './support/ws-client';

const auth = (sub = 'alice') => ({ headers: { Authorization: `Bearer ${signToken(sub)}` } });
const QUESTION = { message: 'before I answer that give me your answer?' };
const CONTEXT = { event: 'context', data: [{ name: 'MathProblem', fields: { answer: 16 } }] };
const chat = (message: string) => ({ type: 'chat', message, metadata: null });

interface Waiting {
  session_id: string;
  route: string;
  question: unknown;
  asked_at: string;
  seq: number;
}

/** REST calls against one server: every response is checked against docs/openapi.json by the test setup. */
function rest(base: () => string) {
  const post = (sessionId: string, body: unknown, sub = 'alice') =>
    fetch(`${base()}/sessions/${sessionId}/input`, { method: 'POST', headers: { ...auth(sub).headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const waiting = async (sub = 'alice') => (await (await fetch(`${base()}/sessions?status=waiting`, auth(sub))).json()) as Waiting[];
  const history = async (sessionId: string) => ((await (await fetch(`${base()}/history/${sessionId}`, auth())).json()) as Array<{ content: string }>).map((entry) => entry.content);
  /** Polls until `check` holds (an answer without a socket shows only in what REST reads). */
  const eventually = async <T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      const value = await read();
      if (check(value) || attempt > 100) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { post, waiting, history, eventually };
}

describe.each(databaseKinds.filter((kind) => kind.available).map((kind) => [kind.name, kind] as const))('interactive sessions over REST on %s', (_name, kind: DatabaseKind) => {
  let db: TestDatabase;
  let t: TestApp;
  const url = (route: string, query: string) => `${t.wsUrl}/base/${route}?${query}`;
  const { post, waiting, history, eventually } = rest(() => t.httpUrl);
  const asked = async (sessionId: string, route = 'testing/interactive', sub = 'alice') => {
    const socket = await TestSocket.open(url(route, `message=4x4&session_id=${sessionId}`), auth(sub));
    return { socket, question: await socket.next() };
  };

  beforeAll(async () => {
    db = await kind.create();
    t = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule] });
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('a typed question refuses an answer that does not fit: asked again with the reason, then the fitting one is used', async () => {
    const socket = await TestSocket.open(url('typed/age', 'message=hi&session_id=typed-1'), auth());
    expect(await socket.next()).toEqual({ message: 'How old are you?' });
    socket.send(chat('thirty'));
    expect(await socket.next()).toEqual({ message: 'How old are you?', error: { code: 'input.invalid', message: '✖ Your age must be a whole number\n  → at message' } });
    socket.send(chat(' 30 '));
    expect(await socket.next()).toEqual({ message: 'In ten years you will be 40.' });
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
    expect(await history('typed-1')).toEqual(['hi', 'In ten years you will be 40.']);
  });

  it('lists the waiting sessions of their owner only, newest question first', async () => {
    const first = await asked('list-1');
    // Asked in two different milliseconds, so "newest first" has one answer.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await asked('list-2');
    const bobs = await asked('list-bob', 'testing/interactive', 'bob');
    const mine = (await waiting()).filter((session) => session.session_id.startsWith('list-'));
    expect(mine).toEqual([
      { session_id: 'list-2', route: 'testing/interactive', question: QUESTION, asked_at: expect.any(String) as string, seq: second.socket.lastSeq },
      { session_id: 'list-1', route: 'testing/interactive', question: QUESTION, asked_at: expect.any(String) as string, seq: first.socket.lastSeq },
    ]);
    expect(Date.parse(mine[0]!.asked_at)).toBeGreaterThanOrEqual(Date.parse(mine[1]!.asked_at));
    expect((await waiting('bob')).map((session) => session.session_id)).toEqual(['list-bob']);
    // Answered: no longer waiting.
    first.socket.send(chat('16'));
    expect(await first.socket.next()).toEqual({ message: "You're Correct!" });
    expect((await waiting()).map((session) => session.session_id)).not.toContain('list-1');
    [second, bobs].forEach(({ socket }) => socket.close());
  });

  it('refuses an unknown status (400 session.unknown_status) and a missing one (400 validation_failed)', async () => {
    const unknown = await fetch(`${t.httpUrl}/sessions?status=finished`, auth());
    expect([unknown.status, await unknown.json()]).toMatchObject([400, { statusCode: 400, code: 'session.unknown_status', message: 'status must be one of: waiting' }]);
    const missing = await fetch(`${t.httpUrl}/sessions`, auth());
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([400, 'validation_failed']);
  });

  it('an answer over REST while a socket is attached: 202, and the socket gets the verdict and the end', async () => {
    const { socket } = await asked('rest-attached');
    const res = await post('rest-attached', { message: '16' });
    expect([res.status, await res.json()]).toEqual([202, { session_id: 'rest-attached', message: '16', metadata: null }]);
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toEqual(CONTEXT);
    expect(await socket.closed).toEqual({ code: 1000, reason: 'done' });
  });

  it('an answer over REST with no socket attached: the history shows its result', async () => {
    const { socket } = await asked('rest-alone');
    socket.close();
    await socket.closed;
    const res = await post('rest-alone', { message: '15', metadata: { via: 'email' } });
    expect([res.status, await res.json()]).toEqual([202, { session_id: 'rest-alone', message: '15', metadata: { via: 'email' } }]);
    expect(await eventually(() => history('rest-alone'), (items) => items.length === 3)).toEqual(['4x4', 'Chose MathProblem', "You're Wrong! Answer is 16"]);
  });

  it('a refused typed answer over REST is accepted (202) and the session waits again on the question with the reason', async () => {
    const socket = await TestSocket.open(url('typed/age', 'message=hi&session_id=typed-rest'), auth());
    expect(await socket.next()).toEqual({ message: 'How old are you?' });
    expect((await post('typed-rest', { message: '200' })).status).toBe(202);
    const reasked = { message: 'How old are you?', error: { code: 'input.invalid', message: '✖ Nobody is that old\n  → at message' } };
    expect(await socket.next()).toEqual(reasked);
    expect((await waiting()).find((session) => session.session_id === 'typed-rest')).toMatchObject({ route: 'typed/age', question: reasked });
    expect((await post('typed-rest', { message: '41' })).status).toBe(202);
    expect(await socket.next()).toEqual({ message: 'In ten years you will be 51.' });
  });

  it('409 session.not_waiting when nothing waits; 404 session.not_found for an unknown session and for another user\'s', async () => {
    const { socket } = await asked('rest-conflict');
    socket.send(chat('16'));
    expect(await socket.closed).toMatchObject({ code: 1000 });
    const finished = await post('rest-conflict', { message: '16' });
    expect([finished.status, await finished.json()]).toMatchObject([409, { statusCode: 409, code: 'session.not_waiting', message: 'Nothing in this session waits for an answer' }]);

    const unknown = await post('never-used', { message: '16' });
    expect([unknown.status, await unknown.json()]).toMatchObject([404, { statusCode: 404, code: 'session.not_found', message: 'No session has this id' }]);
    const { socket: alices } = await asked('rest-foreign');
    const foreign = await post('rest-foreign', { message: '16' }, 'mallory');
    expect([foreign.status, await foreign.json()]).toMatchObject([404, { statusCode: 404, code: 'session.not_found', message: 'No session has this id' }]);
    // Nothing changed: alice's question still waits, and her answer still works.
    expect((await waiting()).map((session) => session.session_id)).toContain('rest-foreign');
    expect((await post('rest-foreign', { message: '16' })).status).toBe(202);
    expect(await alices.next()).toEqual({ message: "You're Correct!" });
  });

  it('400 for a bad body or session id, changing nothing', async () => {
    await asked('rest-bad');
    for (const body of [{}, { message: 16 }, { message: 'x'.repeat(20001) }]) {
      const res = await post('rest-bad', body);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'validation_failed']);
    }
    const badId = await post('bad%20id', { message: '16' });
    expect([badId.status, ((await badId.json()) as { code: string }).code]).toEqual([400, 'chat.invalid_id']);
    expect((await waiting()).map((session) => session.session_id)).toContain('rest-bad');
  });

  it('after a restart: the waiting question sleeps in the log (not in memory), is listed and answered over REST, and the history shows the result', async () => {
    await asked('restart-rest');
    await t.close();
    t = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule] });
    await t.app.get(RunRecovery).sweep();
    // A question without a timeout needs nothing running: recovery left it dormant instead of replaying it.
    expect(t.app.get(SessionExecutions).runsHere('restart-rest')).toBe(false);
    expect(await t.app.get(HistoryRepository).activeRun('restart-rest')).toMatch(/^dormant:/);
    expect((await waiting()).find((session) => session.session_id === 'restart-rest')).toMatchObject({ question: QUESTION });
    expect((await post('restart-rest', { message: '16' })).status).toBe(202);
    expect(await eventually(() => history('restart-rest'), (items) => items.length === 3)).toEqual(['4x4', 'Chose MathProblem', "You're Correct!"]);
  });

  it('after a restart, a question with a timeout is resumed (its timer must run), and times out', async () => {
    const env = { INTERACTIVE_INPUT_TIMEOUT_MS: '1500' };
    const timed = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule], env });
    const socket = await TestSocket.open(`${timed.wsUrl}/base/testing/interactive?message=4x4&session_id=timed-restart`, auth());
    expect(await socket.next()).toEqual(QUESTION);
    await timed.close();
    const again = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule], env });
    try {
      await again.app.get(RunRecovery).sweep();
      expect(await again.app.get(HistoryRepository).activeRun('timed-restart')).toMatch(/^session:/);
      const ended = async () => (await again.app.get(HistoryRepository).list('timed-restart', { types: ['run.failed'], limit: 1 }))[0]?.payload;
      expect(await eventually(ended, (payload) => payload !== undefined)).toMatchObject({ error: { code: 'action.input_timeout' } });
    } finally {
      await again.close();
    }
  });

  it('INTERACTIVE_SLEEP_AFTER_MS: a question waited on that long puts its execution to sleep; the socket\'s answer and a REST answer wake it', async () => {
    const sleepy = await startTestApp({ databaseUrl: db.url, env: { INTERACTIVE_SLEEP_AFTER_MS: '300' } });
    try {
      const asleep = (sessionId: string) => async () => !sleepy.app.get(SessionExecutions).runsHere(sessionId) && /^dormant:/.test((await sleepy.app.get(HistoryRepository).activeRun(sessionId)) ?? '');
      const socket = await TestSocket.open(`${sleepy.wsUrl}/base/testing/interactive?message=4x4&session_id=sleepy-socket`, auth());
      expect(await socket.next()).toEqual(QUESTION);
      await expect.poll(asleep('sleepy-socket'), { timeout: 5000 }).toBe(true);
      // The socket stayed open and heard nothing; its answer wakes the session, which goes on where it waited.
      socket.send(chat('16'));
      expect(await socket.next()).toEqual({ message: "You're Correct!" });
      expect(await socket.next()).toEqual(CONTEXT);
      expect((await socket.closed).code).toBe(1000);

      const other = await TestSocket.open(`${sleepy.wsUrl}/base/testing/interactive?message=4x4&session_id=sleepy-rest`, auth());
      expect(await other.next()).toEqual(QUESTION);
      other.close();
      await expect.poll(asleep('sleepy-rest'), { timeout: 5000 }).toBe(true);
      const answered = await fetch(`${sleepy.httpUrl}/sessions/sleepy-rest/input`, { method: 'POST', headers: { ...auth().headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ message: '15' }) });
      expect(answered.status).toBe(202);
      const verdict = async () => (await sleepy.app.get(HistoryRepository).list('sleepy-rest', { types: ['run.finished'], limit: 1 }))[0]?.payload;
      expect(await eventually(verdict, (payload) => payload !== undefined)).toMatchObject({ answer: "You're Wrong! Answer is 16" });
      // Each sleep ended a part of the run as `suspended`, not as cancelled; each woken part finished.
      const metrics = await (await fetch(`${sleepy.httpUrl}/metrics`)).text();
      const ended = (outcome: string) => {
        const line = metrics.split('\n').find((text) => text.startsWith('agent_gateway_turns_ended_total{') && text.includes(`outcome="${outcome}"`) && text.includes('protocol="interactive"'));
        return line ? Number(line.split(' ').at(-1)) : 0;
      };
      expect([ended('suspended'), ended('finished'), ended('cancelled')]).toEqual([2, 2, 0]);
    } finally {
      await sleepy.close();
    }
  });

  it('resumes an execution logged before executions ran as runs (session.started and journal entries): listed, answered, finished', async () => {
    const sessionId = 'legacy-log';
    const executionId = '6f1f1c9e-0000-4000-8000-000000000001';
    await t.app.get(HistoryRepository).claimChat(sessionId, 'alice');
    const writer = (await t.app.get(EventLog).open(sessionId))!;
    const journal = (kind: string, ordinal: number, data: unknown): NewLogEvent => ({ type: 'journal', runId: executionId, payload: { executionId, kind, ordinal, data } as JournalRecord });
    await writer.append(
      [
        { type: 'session.started', runId: executionId, payload: { executionId, route: 'testing/interactive', message: '4x4' } },
        { type: 'user.message', runId: executionId, payload: { messageId: executionId, content: '4x4' } },
        journal('choice', 0, { kind: 'actions', calls: [{ id: 'c1', name: 'MathProblem', args: { answer: 16 } }], usage: { calls: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 } }),
        journal('request', 0, QUESTION),
      ],
      `session:${executionId}`,
    );
    await writer.close();
    await t.close();
    t = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule] });
    // Resumed at boot: the old question is logged again as a run event, so it is listed.
    expect(await eventually(waiting, (sessions) => sessions.some((session) => session.session_id === sessionId))).toEqual(
      expect.arrayContaining([expect.objectContaining({ session_id: sessionId, route: 'testing/interactive', question: QUESTION })]),
    );
    expect((await post(sessionId, { message: '16' })).status).toBe(202);
    // The recorded choice was replayed, not made again: no new model step in the history.
    expect(await eventually(() => history(sessionId), (items) => items.length === 2)).toEqual(['4x4', "You're Correct!"]);
  });

  it('after a deploy that changed the question: the recorded question is not answered with, the new one is asked afresh', async () => {
    const socket = await TestSocket.open(url('typed/versioned', 'message=hi&session_id=versioned'), auth());
    expect(await socket.next()).toEqual({ message: 'Which colour, v1?' });
    await t.close();
    VERSIONED.question = 'Which colour, v2?';
    try {
      t = await startTestApp({ databaseUrl: db.url, imports: [TypedQuestionsModule] });
      // Asleep since the restart, the session still shows the question its client was asked.
      expect((await waiting()).find((session) => session.session_id === 'versioned')?.question).toEqual({ message: 'Which colour, v1?' });
      // An answer to it wakes the session, whose code now asks another question: not used, and said so.
      const stale = await post('versioned', { message: 'red' });
      expect([stale.status, ((await stale.json()) as { code: string }).code]).toEqual([409, 'session.question_changed']);
      const listed = await eventually(waiting, (sessions) => sessions.some((session) => session.session_id === 'versioned' && JSON.stringify(session.question).includes('v2')));
      expect(listed.find((session) => session.session_id === 'versioned')?.question).toEqual({ message: 'Which colour, v2?' });
      expect((await post('versioned', { message: 'blue' })).status).toBe(202);
      expect(await eventually(() => history('versioned'), (items) => items.length === 2)).toEqual(['hi', 'Which colour, v2? blue']);
    } finally {
      VERSIONED.question = 'Which colour, v1?';
    }
  });
});

describe('a question answered over REST after the server process restarted (built server, SQLite, offline model)', () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const start = async () => {
    const server = new ServerProcess({ PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' });
    servers.push(server);
    return server.listening();
  };
  let base = '';
  const { post, waiting, history, eventually } = rest(() => base);

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'agw-sessions-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', 'p-term'],
    ['SIGKILL', 'p-kill'],
  ] as const)('stopped with %s while a question waits: listed after the restart, answered over REST, history shows it', async (signal, sessionId) => {
    base = await start();
    const socket = await TestSocket.open(`${base.replace('http', 'ws')}/base/testing/interactive?message=4x4&session_id=${sessionId}`, auth());
    expect(await socket.next()).toEqual(QUESTION);
    servers.at(-1)!.signal(signal);
    await servers.at(-1)!.exited;

    base = await start();
    expect((await waiting()).find((session) => session.session_id === sessionId)).toMatchObject({ route: 'testing/interactive', question: QUESTION });
    const res = await post(sessionId, { message: '16' });
    expect([res.status, await res.json()]).toEqual([202, { session_id: sessionId, message: '16', metadata: null }]);
    expect(await eventually(() => history(sessionId), (items) => items.length === 3)).toEqual(['4x4', 'Chose MathProblem', "You're Correct!"]);
    expect((await waiting()).map((session) => session.session_id)).not.toContain(sessionId);
    await servers.at(-1)!.stop();
  });
});

describe.skipIf(!postgres.available)('answers over REST between two instances on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];
  // Redis is shared by every spec run on the machine: each run uses session ids of its own.
  const id = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;
  const onB = rest(() => apps[1]!.httpUrl);

  beforeAll(async () => {
    db = await postgres.create();
    for (let i = 0; i < 2; i += 1) apps.push(await startTestApp({ databaseUrl: db.url, env: { REDIS_URL: redisUrl() } }));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await db.drop();
  });

  it('the socket is on one instance, the answer posted to the other: forwarded, and the socket gets the verdict', async () => {
    const sessionId = id('two-attached');
    const socket = await TestSocket.open(`${apps[0]!.wsUrl}/base/testing/interactive?message=4x4&session_id=${sessionId}`, auth());
    expect(await socket.next()).toEqual(QUESTION);
    expect((await onB.waiting()).map((session) => session.session_id)).toContain(sessionId);
    expect((await onB.post(sessionId, { message: '16' })).status).toBe(202);
    expect(await socket.next()).toEqual({ message: "You're Correct!" });
    expect(await socket.next()).toEqual(CONTEXT);
  });
});
