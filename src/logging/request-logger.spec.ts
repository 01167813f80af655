import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/support/log-capture';
import { createLogger } from './logger';
import { createRequestLogger, requestIdOf } from './request-logger';

describe('the request log line', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(level: string, status = 200): Promise<{ url: string; logs: LogCapture }> {
    const logs = new LogCapture();
    const logger = createLogger(level, logs.stream);
    const log = createRequestLogger(logger);
    server = createServer((req, res) =>
      log(req, res, () => {
        // Handlers (the error filter) read the id from the request.
        logger.warn({ requestId: (req as { id?: string }).id }, 'while serving');
        res.statusCode = status;
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs };
  }

  const headers = { Authorization: 'Bearer secret-token', 'X-Request-Id': 'req-1' };

  it('at info is lean: method, url (token redacted), status, time and request id, no headers', async () => {
    const { url, logs } = await serve('info');
    const res = await fetch(`${url}/things?access_token=abc&x=1`, { headers });
    expect(res.headers.get('x-request-id')).toBe('req-1');
    const line = await logs.find((entry) => entry.msg === 'request completed');
    expect(line).toEqual({
      level: 30,
      time: expect.any(String) as string,
      service: 'agent-gateway',
      requestId: 'req-1',
      req: { method: 'GET', url: '/things?access_token=[redacted]&x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number) as number,
      msg: 'request completed',
    });
    expect(logs.lines.find((entry) => entry.msg === 'while serving')).toMatchObject({ requestId: 'req-1' });
  });

  it('at debug adds the request and response headers, credentials redacted', async () => {
    const { url, logs } = await serve('debug');
    await fetch(`${url}/things`, { headers });
    const line = await logs.find((entry) => entry.msg === 'request completed');
    expect(line).toMatchObject({
      requestId: 'req-1',
      req: { method: 'GET', url: '/things', headers: { authorization: '[redacted]', 'x-request-id': 'req-1' } },
      res: { statusCode: 200, headers: { 'x-request-id': 'req-1' } },
    });
    expect(JSON.stringify(logs.lines)).not.toContain('secret-token');
  });

  it('logs a 4xx at warn and a 5xx at error as "request errored"', async () => {
    const client = await serve('info', 404);
    await fetch(`${client.url}/missing`);
    expect(await client.logs.find((entry) => entry.msg === 'request completed')).toMatchObject({ level: 40, res: { statusCode: 404 } });
    server!.close();
    const failing = await serve('info', 503);
    await fetch(`${failing.url}/broken`);
    expect(await failing.logs.find((entry) => entry.msg === 'request errored')).toMatchObject({ level: 50, res: { statusCode: 503 } });
  });
});

describe('request ids', () => {
  const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as Parameters<typeof requestIdOf>[0];

  it('mints random version 4 UUIDs, all different, past a refill of their random bytes', () => {
    const ids = Array.from({ length: 1000 }, () => requestIdOf(request()));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps a caller's id when it is safe to echo, and replaces one that is not", () => {
    expect(requestIdOf(request({ 'x-request-id': 'trace.42-a_b' }))).toBe('trace.42-a_b');
    expect(requestIdOf(request({ 'x-request-id': 'bad id\r\nX: 1' }))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

