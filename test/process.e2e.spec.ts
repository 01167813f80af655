import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { untilEnd } from './support/chat-client';
import { runTokenCli, ServerProcess } from './support/server-process';
import { TestSocket } from './support/ws-client';

describe('the server process, as npm start runs it', () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const start = (env: Record<string, string> = {}) => {
    const server = new ServerProcess({ PORT: '0', DATA_DIR: dataDir, ...env });
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'agw-proc-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no configuration: SQLite under the data folder, a generated key the token CLI shares', async () => {
    const server = start();
    const url = await server.listening();
    expect(await server.waitFor((line) => /Generated a development signing key/.test(line.msg))).toMatchObject({ level: 40 });
    expect(statSync(join(dataDir, 'gateway.sqlite')).isFile()).toBe(true);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    expect((await fetch(`${url}/auth/me`)).status).toBe(401);

    const cli = runTokenCli(['--sub', 'alice', '--roles', 'admin,operator', '--ttl', '2h'], { DATA_DIR: dataDir });
    expect(cli.status).toBe(0);
    const token = cli.stdout.trim();
    const claims = jwt.decode(token) as JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(7200);
    const me = await fetch(`${url}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ sub: 'alice', roles: ['admin', 'operator'] });

    const refusal = await TestSocket.refusal(`${url.replace('http', 'ws')}/chat/abc`);
    expect(refusal.status).toBe(401);

    // The key is reused across restarts, so tokens stay valid.
    server.signal('SIGTERM');
    await server.exited;
    const again = start();
    const url2 = await again.listening();
    expect(again.lines.some((line) => /Generated/.test(line.msg))).toBe(false);
    expect((await fetch(`${url2}/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('runs the three protocols offline with the built-in model: chat, interact, interactive actions', async () => {
    const server = start();
    const url = await server.listening();
    const token = runTokenCli(['--sub', 'alice'], { DATA_DIR: dataDir }).stdout.trim();
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const socket = await TestSocket.open(`${url.replace('http', 'ws')}/chat/chat_id47`, auth);
    socket.send({ type: 'client', message: 'get all contacts', message_id: 'abc123' });
    const frames = await untilEnd(socket, 'abc123');
    expect(frames.map((frame) => frame.step_type ?? frame.type)).toEqual(['ActionStep', 'FinalAnswerStep', 'message_end']);
    socket.close();
    const history = (await (await fetch(`${url}/history/chat_id47`, auth)).json()) as Array<{ role: string; content: string }>;
    expect(history.map((entry) => entry.role)).toEqual(['user', 'agent', 'agent']);
    expect(history[2]!.content).toBe(frames[1]!.message);

    const widget = await TestSocket.open(`${url.replace('http', 'ws')}/interact`, auth);
    widget.send({ agentId: 'assistant', convoId: 'chat_id47', bucket: '(default)', prompt: 'what is 6 * 7' });
    expect(await widget.next()).toMatchObject({
      type: 'sync_chat_history',
      turns: [{ from: 'human', messages: [{ item: { type: 'text', payload: { message: 'get all contacts' } } }] }, { from: 'bot' }],
    });
    const events: Array<Record<string, unknown>> = [];
    do events.push(await widget.next()); while (events.at(-1)!.type !== 'turn_end');
    expect(events.filter((event) => event.type === 'chunk').map((event) => event.chunk).join('')).toContain('42');
    widget.close();

    const quiz = await TestSocket.open(`${url.replace('http', 'ws')}/base/testing/interactive?message=4x4`, auth);
    expect(await quiz.next()).toEqual({ message: 'before I answer that give me your answer?' });
    quiz.send({ type: 'chat', message: '16', metadata: null });
    expect(await quiz.next()).toEqual({ message: "You're Correct!" });
    expect(await quiz.next()).toEqual({ event: 'context', data: [{ name: 'MathProblem', fields: { answer: 16 } }] });
  });

  it('logs JSON lines with request ids and never the token, even with the headers at debug', async () => {
    const server = start({ LOG_LEVEL: 'debug' });
    const url = await server.listening();
    const token = runTokenCli(['--sub', 'alice'], { DATA_DIR: dataDir }).stdout.trim();
    await fetch(`${url}/auth/me`, { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'trace-1' } });
    await TestSocket.refusal(`${url.replace('http', 'ws')}/chat/x?access_token=${token}x`);
    const request = await server.waitFor((line) => line.requestId === 'trace-1' && line.msg === 'request completed');
    expect(request).toMatchObject({ req: { headers: { authorization: '[redacted]' } }, res: { statusCode: 200 } });
    await server.waitFor((line) => line.msg === 'WebSocket upgrade refused');
    expect(server.stdout).not.toContain(token);
    expect(server.stdout).toContain('access_token=[redacted]');
  });

  it('stops on SIGTERM: stops accepting, closes the database, exits 0', async () => {
    const server = start();
    const url = await server.listening();
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((line) => line.msg)).toContain('Stopped');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('refuses an invalid variable at start, naming it and what it expects', async () => {
    const server = start({ PORT: 'eighty', WS_MAX_PAYLOAD_BYTES: '12' });
    expect((await server.exited).code).toBe(78);
    expect(server.stderr).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
    expect(server.stderr).toContain('WS_MAX_PAYLOAD_BYTES must be an integer from 1024 to 16777216');
  });

  it('refuses to start in production without a signing secret', async () => {
    const server = start({ NODE_ENV: 'production' });
    expect((await server.exited).code).toBe(78);
    expect(server.stderr).toContain('JWT_SECRET (or JWKS_URI) is required when NODE_ENV=production');
  });

  it('exits non-zero within seconds when PostgreSQL refuses the connection', async () => {
    const started = Date.now();
    const server = start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect((await server.exited).code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(server.lines.find((line) => line.level === 60)?.msg).toMatch(/^Could not start: .*ECONNREFUSED/);
  });

  describe('with a database host that accepts connections but never answers', () => {
    let blackhole: Server;
    const sockets: Socket[] = [];
    beforeEach(async () => {
      blackhole = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => blackhole.close(resolve));
    });

    it('gives up after DATABASE_CONNECT_TIMEOUT_MS instead of hanging', async () => {
      const { port } = blackhole.address() as { port: number };
      const started = Date.now();
      const server = start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`, DATABASE_CONNECT_TIMEOUT_MS: '1000' });
      expect((await server.exited).code).toBe(1);
      expect(Date.now() - started).toBeLessThan(10000);
      expect(server.lines.find((line) => line.level === 60)?.msg).toMatch(/^Could not start: .*timeout/i);
    });
  });
});

describe('npm run token', () => {
  it('prints usage and exits 2 without --sub', () => {
    const result = runTokenCli([], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run -s token -- --sub <user>/);
  });

  it('signs with JWT_SECRET, issuer and audience when configured', () => {
    const secret = 's'.repeat(40);
    const result = runTokenCli(['--sub', 'bob'], { JWT_SECRET: secret, JWT_ISSUER: 'https://iss', JWT_AUDIENCE: 'agw' });
    const claims = jwt.verify(result.stdout.trim(), secret, { algorithms: ['HS256'] }) as JwtPayload;
    expect(claims).toMatchObject({ sub: 'bob', iss: 'https://iss', aud: 'agw', roles: [] });
  });

  it('explains that tokens come from the identity provider in JWKS mode', () => {
    const result = runTokenCli(['--sub', 'bob'], { JWKS_URI: 'http://127.0.0.1:9/jwks' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('JWKS_URI is set');
  });
});
