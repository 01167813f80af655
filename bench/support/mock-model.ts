import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** What every streamed token says when its content is not a timestamp: 4 characters, so tokens = characters / 4. */
export const TOKEN = 'tok ';

/**
 * How the mock answers the next completions:
 * - `fast`: `tokens` chunks written as fast as the socket takes them (honouring backpressure);
 * - `paced`: `rate` chunks a second, each carrying its send time (ms since the epoch, µs precision) and a
 *   space, so a client in this same process measures model → client latency on one clock;
 * - `tools`: a tool call to `calculator` until the request holds `toolSteps` tool results, then a short answer.
 */
export type MockMode = { kind: 'fast'; tokens: number } | { kind: 'paced'; tokens: number; rate: number } | { kind: 'tools'; toolSteps: number };

/** Wall-clock ms with sub-ms precision, comparable between the mock and the clients of this process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The OpenAI Chat Completions streaming wire, as `@ai-sdk/openai-compatible` parses it (see test/support). */
export class MockModel {
  mode: MockMode = { kind: 'fast', tokens: 10 };
  private readonly server: Server;
  private requests = 0;

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    // Thousands of concurrent streams: keep-alive sockets are plenty, but the default 5 s timeout would drop idle ones.
    this.server.keepAliveTimeout = 60000;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', 1024, resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Drops the streams of a server that was just killed, so their timers stop. */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const chunks = new ChunkWriter(`chatcmpl-${++this.requests}`, res);
    const mode = this.mode;
    if (mode.kind === 'tools') {
      const toolResults = (JSON.parse(body) as { messages: Array<{ role: string }> }).messages.filter((m) => m.role === 'tool').length;
      if (toolResults < mode.toolSteps) chunks.toolCall(`call_${this.requests}`, 'calculator', '{"expression":"2+2"}');
      else chunks.text(['The ', 'answer ', 'is ', '4.']);
      return;
    }
    if (mode.kind === 'fast') return chunks.fast(mode.tokens);
    return chunks.paced(mode.tokens, mode.rate);
  }
}

class ChunkWriter {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly id: string,
    private readonly res: ServerResponse,
  ) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  }

  text(parts: string[]): void {
    for (const part of parts) this.res.write(this.content(part));
    this.finish('stop', parts.length);
  }

  toolCall(callId: string, name: string, args: string): void {
    this.res.write(this.event({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name, arguments: '' } }] }, null));
    this.res.write(this.event({ tool_calls: [{ index: 0, function: { arguments: args } }] }, null));
    this.finish('tool_calls', 1);
  }

  async fast(tokens: number): Promise<void> {
    // Twenty chunks a write: the load generator's core would otherwise spend more on syscalls than the server.
    const batch = this.content(TOKEN).repeat(20);
    for (let sent = 0; sent < tokens; sent += 20) {
      const ok = this.res.write(sent + 20 <= tokens ? batch : this.content(TOKEN).repeat(tokens - sent));
      if (!ok && !(await drained(this.res))) return;
    }
    this.finish('stop', tokens);
  }

  async paced(tokens: number, rate: number): Promise<void> {
    const start = nowMs();
    for (let sent = 0; sent < tokens; sent++) {
      // Scheduled from the start, not from the previous send, so timer lateness does not lower the rate.
      const wait = start + (sent * 1000) / rate - nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.res.destroyed) return;
      this.res.write(this.content(`${nowMs().toFixed(3)} `));
    }
    this.finish('stop', tokens);
  }

  private finish(reason: string, completionTokens: number): void {
    if (this.res.destroyed) return;
    const usage = { prompt_tokens: 10, completion_tokens: completionTokens, total_tokens: 10 + completionTokens };
    this.res.end(`${this.event({}, reason, usage)}data: [DONE]\n\n`);
  }

  private content(text: string): string {
    return this.event({ role: 'assistant', content: text }, null);
  }

  private event(delta: object, finishReason: string | null, usage?: object): string {
    const choices = [{ index: 0, delta, finish_reason: finishReason }];
    return `data: ${JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: 'mock', choices, ...(usage ? { usage } : {}) })}\n\n`;
  }
}

/** False when the response closed instead (the server under test was stopped). */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    const done = (value: boolean): void => {
      res.off('drain', onDrain).off('close', onClose);
      resolve(value);
    };
    res.once('drain', onDrain).once('close', onClose);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
