import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const post = (t: TestApp, body: unknown) =>
  fetch(`${t.httpUrl}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /dev/token on a development server (generated key)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ env: { JWT_SECRET: '' } })));
  afterAll(() => t.close());

  it('issues a token the server accepts, with the roles asked for', async () => {
    const response = await post(t, { sub: 'sam', roles: ['operator'] });
    expect(response.status).toBe(200);
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const me = await fetch(`${t.httpUrl}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ sub: 'sam', roles: ['operator'] });
  });

  it('refuses a body without a user', async () => {
    const response = await post(t, { roles: ['operator'] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('POST /dev/token where the server has a real key', () => {
  it.each([
    ['JWT_SECRET is set', {}],
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
  ])('answers 404 dev.tokens_disabled when %s', async (_case, env: Record<string, string>) => {
    const t = await startTestApp({ env });
    try {
      const response = await post(t, { sub: 'mallory', roles: ['operator'] });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'dev.tokens_disabled' });
    } finally {
      await t.close();
    }
  });
});

describe('GET /conversations/{id}/messages', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());
  const read = (sub: string | null, roles: string[] = [], id = 'convo-transcript') =>
    fetch(`${t.httpUrl}/conversations/${id}/messages`, { headers: sub === null ? {} : { Authorization: `Bearer ${signToken(sub, { roles })}` } });

  it("shows a conversation to its owner and to operators; anyone else's reads as empty", async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/interact`, { headers: { Authorization: `Bearer ${signToken('alice')}` } });
    socket.send({ agentId: 'assistant', convoId: 'convo-transcript', bucket: '(default)', prompt: 'what is 2 + 2' });
    for (let frame = await socket.next(); (frame as { type: string }).type !== 'turn_end'; frame = await socket.next());
    socket.close();
    const expected = [
      { role: 'user', content: 'what is 2 + 2', timestamp: expect.any(String) as string },
      { role: 'assistant', content: expect.stringContaining('4') as string, timestamp: expect.any(String) as string },
    ];
    expect(await (await read('alice')).json()).toEqual(expected);
    expect(await (await read('sam', ['operator'])).json()).toEqual(expected);
    expect(await (await read('mallory')).json()).toEqual([]);
    expect(await (await read('alice', [], 'convo-unknown')).json()).toEqual([]);
    expect((await read(null)).status).toBe(401);
    expect((await read('alice', [], 'bad%20id')).status).toBe(400);
  });
});
