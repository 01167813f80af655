import { describe, expect, it } from 'vitest';
import { contractCheckedFetch, RestContract, RestContractViolation } from './support/rest-contract';

const contract = RestContract.load();
const BASE = 'http://127.0.0.1:3000';

function answer(status: number, body: unknown, headers: Record<string, string> = { 'X-Request-Id': 'req-1' }): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } });
}

/** A fetch whose every call answers `response`, wrapped like the e2e specs' fetch. */
const checkedFetch = (response: Response) => contractCheckedFetch(() => Promise.resolve(response.clone()), contract);

const me = { sub: 'alice', roles: ['operator'] };

describe('the REST contract check of e2e fetches', () => {
  it('passes a documented answer through unchanged', async () => {
    const res = await checkedFetch(answer(200, me))(`${BASE}/auth/me`);
    expect(await res.json()).toEqual(me);
  });

  it('refuses a status the operation does not declare', async () => {
    await expect(checkedFetch(answer(404, { statusCode: 404, code: 'not_found', message: 'x' }))(`${BASE}/auth/me`)).rejects.toThrow(
      /GET \/auth\/me \(getMe\) answered 404, which docs\/openapi.json does not declare/,
    );
  });

  it('refuses a body that breaks the declared schema', async () => {
    await expect(checkedFetch(answer(200, { sub: 7 }))(`${BASE}/auth/me`)).rejects.toThrow(RestContractViolation);
    await expect(checkedFetch(answer(200, { sub: 7 }))(`${BASE}/auth/me`)).rejects.toThrow(/breaks its schema[\s\S]*\/sub must be string/);
  });

  it('refuses an error code the response does not list, and a missing required header', async () => {
    const teapot = { statusCode: 401, code: 'auth.teapot', message: 'x' };
    await expect(checkedFetch(answer(401, teapot, { 'X-Request-Id': 'r', 'WWW-Authenticate': 'Bearer' }))(`${BASE}/auth/me`)).rejects.toThrow(/\/code must be equal to one of the allowed values/);
    const refused = { statusCode: 401, code: 'auth.missing_token', message: 'x' };
    await expect(checkedFetch(answer(401, refused, { 'X-Request-Id': 'r' }))(`${BASE}/auth/me`)).rejects.toThrow(/without its required header www-authenticate/);
    await expect(checkedFetch(answer(200, me, {}))(`${BASE}/auth/me`)).rejects.toThrow(/without its required header x-request-id/);
  });

  it('matches path templates one segment per parameter, and OpenAPI 3.0 nullable fields', async () => {
    const entry = { role: 'user', content: 'hi', message_id: 'm1', step_type: null, timestamp: '2026-01-01T00:00:00.000Z' };
    await expect(checkedFetch(answer(200, [entry]))(`${BASE}/history/chat-1?limit=5`)).resolves.toBeInstanceOf(Response);
    await expect(checkedFetch(answer(200, [{ ...entry, timestamp: 'yesterday' }]))(`${BASE}/history/chat-1`)).rejects.toThrow(/must match format "date-time"/);
    expect(contract.operationFor('GET', `${BASE}/history/a/b`)).toBeNull();
    expect(contract.operationFor('POST', `${BASE}/conversations/convo-1/messages`)).toMatchObject({ id: 'replyToConversation' });
  });

  it("leaves the mock servers' paths alone: the model provider, the JWKS server, the OTLP receiver", () => {
    for (const [method, path] of [
      ['POST', '/v1/chat/completions'],
      ['GET', '/.well-known/jwks.json'],
      ['POST', '/v1/traces'],
      ['GET', '/metrics'],
    ] as const) {
      expect(contract.operationFor(method, `${BASE}${path}`), path).toBeNull();
    }
  });
});
