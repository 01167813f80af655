import { request } from 'undici';

type BodyReadable = Awaited<ReturnType<typeof request>>['body'];

/** `fetch`'s own limit. */
const MAX_REDIRECTIONS = 20;

/**
 * The `fetch` the `openai` client is given: undici's `request` (Node streams) under the part of the `Response`
 * the client and the streamer read. Node's own `fetch` runs the WHATWG machinery on every request and hands the
 * body over as a web stream, read chunk by chunk through promise hops: in a tool-using turn's profile the client's
 * requests were a fifth of the CPU, and this `fetch` halved the turn's CPU (BENCHMARKS.md).
 *
 * What the client sends is a JSON string body, a `Headers` of its own building and its own abort signal (it times
 * the request out through it). What it reads back: `ok`, `status`, `url`, `headers` (`get`, `entries`), `text()`
 * for an error's body, and `body` as an async iterable (read by the streamer; the client's retry cancels it the
 * same way).
 */
export async function leanFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const { statusCode, headers, body } = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers: headerPairs(init.headers),
    body: init.body as string | Buffer | undefined | null,
    signal: init.signal ?? undefined,
    // As `fetch` does (its "follow" mode): a provider behind a redirect keeps working; 307/308 resend the body.
    maxRedirections: MAX_REDIRECTIONS,
  });
  return new LeanResponse(url, statusCode, headers, body) as unknown as Response;
}

class LeanResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  readonly headers: Headers;

  constructor(
    readonly url: string,
    readonly status: number,
    received: Record<string, string | string[] | undefined>,
    readonly body: BodyReadable,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new Headers();
    for (const [name, value] of Object.entries(received)) {
      if (Array.isArray(value)) for (const each of value) this.headers.append(name, each);
      else if (value !== undefined) this.headers.append(name, value);
    }
  }

  get bodyUsed(): boolean {
    return this.body.bodyUsed;
  }

  text(): Promise<string> {
    return this.body.text();
  }

  json(): Promise<unknown> {
    return this.body.json();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.arrayBuffer();
  }
}

/** undici takes headers as a flat list of names and values; the client gives a `Headers` or a record. */
function headerPairs(headers: RequestInit['headers']): string[] {
  const pairs: string[] = [];
  if (!headers) return pairs;
  const entries = headers instanceof Headers ? headers.entries() : Array.isArray(headers) ? headers : Object.entries(headers as Record<string, string>);
  for (const [name, value] of entries as Iterable<[string, string]>) pairs.push(name, value);
  return pairs;
}
