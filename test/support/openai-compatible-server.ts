import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI Chat Completions wire protocol, answering
 * each `POST /v1/chat/completions` with the next reply of a FIFO script. The chunk and response shapes
 * follow what `@ai-sdk/openai-compatible` and `@ai-sdk/openai` (`.chat()`) parse: `choices[].index` is
 * always present because the OpenAI provider's schema requires it.
 */

export interface ScriptedToolCall {
  /** Defaults to `call_<request>_<position>`. */
  id?: string;
  name: string;
  /** Objects are JSON-encoded; a string is sent verbatim, so a test can send arguments that are not JSON. */
  arguments: object | string;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type Reply =
  /** Streamed: one `delta.content` chunk per entry, then a `finish_reason: 'stop'` chunk carrying usage, then `[DONE]`. */
  | { kind: 'text'; chunks: string[]; usage?: Partial<TokenUsage> }
  /** Streamed: per call a header delta (id, type, name, empty arguments) then the arguments in two halves. */
  | { kind: 'tool_calls'; calls: ScriptedToolCall[]; usage?: Partial<TokenUsage> }
  /** An HTTP error; the body defaults to OpenAI's `{ error: { message, type, param, code } }` for that status. */
  | { kind: 'status'; status: number; body?: object; headers?: Record<string, string> }
  /** Streamed: one valid chunk (content "Hello"), then a `data:` line that is not JSON, then the body ends. Non-streamed: truncated JSON. */
  | { kind: 'malformed' }
  /** Streamed: the chunks (default `['Hello']`), then silence with the connection open until the client leaves. Non-streamed: no answer at all. */
  | { kind: 'hang'; chunks?: string[] }
  /**
   * Streamed: `count` chunks of `chunk`, made one at a time as the client reads (writes wait for 'drain'), so a
   * test can stream far more than it holds in memory; `sent` counts the chunks written. Then stop and `[DONE]`.
   */
  | { kind: 'flood'; chunk: string; count: number; sent?: { chunks: number } }
  /** Waits, then answers with `then`; a client that leaves during the wait counts as aborted. */
  | { kind: 'delay'; ms: number; then: Reply };

export interface ChatRequestBody {
  model?: string;
  stream?: boolean;
  messages?: Array<Record<string, unknown>>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  [field: string]: unknown;
}

export interface RecordedRequest {
  /** The parsed JSON body; `{}` when the body was not a JSON object (see `rawBody`). */
  body: ChatRequestBody;
  rawBody: string;
  headers: IncomingHttpHeaders;
}

const COMPLETIONS_PATH = '/v1/chat/completions';

/** OpenAI's own error bodies for the statuses tests script most; others get a generic message. */
const DEFAULT_ERRORS: Record<number, [message: string, type: string, code: string | null]> = {
  400: ['Invalid request.', 'invalid_request_error', null],
  401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
  403: ['You are not allowed to sample from this model.', 'invalid_request_error', 'permission_denied'],
  404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
  429: ['Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded'],
  500: ['The server had an error while processing your request. Sorry about that!', 'server_error', 'server_error'],
  503: ['The engine is currently overloaded, please try again later.', 'server_error', 'service_unavailable'],
};

export function openAiError(message: string, type: string, code: string | null): object {
  return { error: { message, type, param: null, code } };
}

export class OpenAiCompatibleServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Reply[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private abortWaiters: Array<() => boolean> = [];
  private abortedCount = 0;
  private stopping = false;

  /** With `apiKey`, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401 and consume no reply. */
  constructor(private readonly options: { apiKey?: string } = {}) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /** Ends in `/v1`, as the providers' `baseURL` expects. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Completion requests whose client closed the connection before the server ended the response. */
  get aborted(): number {
    return this.abortedCount;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    // Hanging replies and keep-alive sockets would otherwise hold close() open forever.
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  enqueue(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Replies not yet consumed. */
  pending(): number {
    return this.script.length;
  }

  /** Forgets the script, the recorded requests and the abort count, for a server shared across tests. */
  reset(): void {
    this.script.length = 0;
    this.requests.length = 0;
    this.abortedCount = 0;
  }

  /** Resolves once `count` requests were aborted by their client; rejects after `timeoutMs` otherwise. */
  waitForAbort(count = 1, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} aborted request(s) within ${timeoutMs} ms, saw ${this.abortedCount}`)), timeoutMs);
      const check = (): boolean => {
        if (this.abortedCount < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!check()) this.abortWaiters.push(check);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== COMPLETIONS_PATH) {
      req.resume();
      return sendJson(res, 404, openAiError(`Invalid URL (${req.method} ${path})`, 'invalid_request_error', null));
    }
    // 'close' before end() means the client went away: the signal a cancellation test looks for.
    res.on('close', () => {
      if (res.writableEnded || this.stopping) return;
      this.abortedCount += 1;
      this.abortWaiters = this.abortWaiters.filter((check) => !check());
    });
    const rawBody = await readBody(req);
    const body = parseBody(rawBody);
    this.requests.push({ body: body ?? {}, rawBody, headers: req.headers });
    const requestNumber = this.requests.length;

    const { apiKey } = this.options;
    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
      const message = req.headers.authorization
        ? 'Incorrect API key provided.'
        : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return sendJson(res, 401, openAiError(message, 'invalid_request_error', req.headers.authorization ? 'invalid_api_key' : null));
    }
    if (body === undefined || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return sendJson(res, 400, openAiError('The body must be a JSON object with a string "model" and an array "messages".', 'invalid_request_error', null));
    }
    const reply = this.script.shift();
    if (reply === undefined) {
      const message = `OpenAiCompatibleServer: the reply script is empty (request #${requestNumber} has no scripted reply)`;
      return sendJson(res, 500, openAiError(message, 'server_error', 'script_empty'));
    }
    const completion = new Completion(`chatcmpl-${requestNumber}`, body.model, body.stream === true, requestNumber);
    await this.answer(reply, completion, res);
  }

  private async answer(reply: Reply, completion: Completion, res: ServerResponse): Promise<void> {
    switch (reply.kind) {
      case 'delay':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, reply.ms);
          this.timers.add(timer);
        });
        if (res.destroyed || this.stopping) return;
        return this.answer(reply.then, completion, res);
      case 'status': {
        const [message, type, code] = DEFAULT_ERRORS[reply.status] ?? [`Request failed with status ${reply.status}.`, 'server_error', null];
        return sendJson(res, reply.status, reply.body ?? openAiError(message, type, code), reply.headers);
      }
      case 'text':
      case 'tool_calls': {
        if (!completion.stream) return sendJson(res, 200, completion.whole(reply));
        startEventStream(res);
        for (const chunk of completion.chunks(reply)) res.write(event(chunk));
        res.end('data: [DONE]\n\n');
        return;
      }
      case 'flood': {
        startEventStream(res);
        const data = event(completion.textChunk(reply.chunk));
        for (let n = 0; n < reply.count; n += 1) {
          if (res.destroyed || this.stopping) return;
          if (reply.sent) reply.sent.chunks = n + 1;
          if (!res.write(data)) await writable(res);
        }
        res.write(event(completion.textChunk('')));
        res.end('data: [DONE]\n\n');
        return;
      }
      case 'malformed':
        if (!completion.stream) return sendJson(res, 200, '{"id":"chatcmpl-truncated","choices":[{');
        startEventStream(res);
        res.write(event(completion.textChunk('Hello')));
        res.end('data: {"choices": [this is not JSON\n\n');
        return;
      case 'hang':
        // Silence rather than a periodic chunk, so both chunk-idle and total timeouts can be exercised.
        if (!completion.stream) return;
        startEventStream(res);
        for (const text of reply.chunks ?? ['Hello']) res.write(event(completion.textChunk(text)));
        return;
    }
  }
}

/** Builds the JSON bodies of one completion, in the shapes the AI SDK providers parse. */
class Completion {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly id: string,
    private readonly model: string,
    readonly stream: boolean,
    private readonly requestNumber: number,
  ) {}

  /** Repeats `role` on every chunk (OpenAI sends it once); both providers accept either. */
  textChunk(content: string): object {
    return this.chunk({ role: 'assistant', content }, null);
  }

  chunks(reply: Extract<Reply, { kind: 'text' | 'tool_calls' }>): object[] {
    if (reply.kind === 'text') {
      return [...reply.chunks.map((text) => this.textChunk(text)), this.chunk({}, 'stop', this.usage(reply.chunks.length, reply.usage))];
    }
    const deltas = reply.calls.flatMap((call, index) => {
      const args = this.argumentsOf(call);
      const half = Math.ceil(args.length / 2);
      return [
        { index, id: this.callId(call, index), type: 'function', function: { name: call.name, arguments: '' } },
        { index, function: { arguments: args.slice(0, half) } },
        { index, function: { arguments: args.slice(half) } },
      ];
    });
    return [
      ...deltas.map((delta, n) => this.chunk(n === 0 ? { role: 'assistant', content: null, tool_calls: [delta] } : { tool_calls: [delta] }, null)),
      this.chunk({}, 'tool_calls', this.usage(reply.calls.length, reply.usage)),
    ];
  }

  whole(reply: Extract<Reply, { kind: 'text' | 'tool_calls' }>): object {
    const message =
      reply.kind === 'text'
        ? { role: 'assistant', content: reply.chunks.join(''), refusal: null }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: reply.calls.map((call, index) => ({ id: this.callId(call, index), type: 'function', function: { name: call.name, arguments: this.argumentsOf(call) } })),
          };
    const count = reply.kind === 'text' ? reply.chunks.length : reply.calls.length;
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls' }],
      usage: this.usage(count, reply.usage),
    };
  }

  private chunk(delta: object, finishReason: string | null, usage?: object): object {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices, ...(usage ? { usage } : {}) };
  }

  /** Deterministic defaults (10 prompt tokens, one completion token per chunk or call) unless the reply says otherwise. */
  private usage(count: number, override: Partial<TokenUsage> = {}): object {
    const prompt = override.prompt_tokens ?? 10;
    const completion = override.completion_tokens ?? count;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  private callId(call: ScriptedToolCall, index: number): string {
    return call.id ?? `call_${this.requestNumber}_${index}`;
  }

  private argumentsOf(call: ScriptedToolCall): string {
    return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
  }
}

/** Resolves once `res` may be written again, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

function event(chunk: object): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, body: object | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function parseBody(raw: string): ChatRequestBody | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ChatRequestBody) : undefined;
  } catch {
    return undefined;
  }
}
