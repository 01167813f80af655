import WebSocket, { type ClientOptions } from 'ws';

export interface UpgradeRefusal {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** A real `ws` client that buffers frames so a test can await them in order. */
export class TestSocket {
  private readonly frames: unknown[] = [];
  /** The headers of the 101 response. */
  headers: Record<string, string | string[] | undefined> = {};
  private readonly waiters: Array<(frame: unknown) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The `seq` of every frame received, in order (protocol sockets; the test probes send none). */
  readonly seqs: number[] = [];

  private constructor(
    readonly socket: WebSocket,
    private readonly protocol: boolean,
  ) {
    socket.on('message', (data: Buffer) => {
      const frame = this.withoutSeq(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<TestSocket> {
    const { protocols, ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    let headers: TestSocket['headers'] = {};
    socket.once('upgrade', (response) => (headers = response.headers));
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        // Every frame of the three protocols carries its log position; the probes of the transport specs do not.
        const opened = new TestSocket(socket, !new URL(url).pathname.startsWith('/probe'));
        opened.headers = headers;
        resolve(opened);
      });
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens expecting refusal; resolves with the HTTP status and JSON body the server answered instead of 101. */
  static refusal(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<UpgradeRefusal> {
    const { protocols, ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    return new Promise((resolve, reject) => {
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.once('error', () => undefined);
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers }));
      });
    });
  }

  /** The newest seq received; what a reconnect passes as `after`. */
  get lastSeq(): number {
    return this.seqs.at(-1) ?? 0;
  }

  /**
   * Protocol frames must carry a numeric `seq` that never goes backwards (refusals repeat the last one);
   * it is checked here and removed, so specs compare frames in the seeds' own shapes.
   */
  private withoutSeq(frame: Record<string, unknown>): Record<string, unknown> {
    if (!this.protocol) return frame;
    const { seq, ...rest } = frame;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < this.lastSeq) {
      throw new Error(`frame without a valid seq (last ${this.lastSeq}): ${JSON.stringify(frame)}`);
    }
    this.seqs.push(seq);
    return rest;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next<T = Record<string, unknown>>(timeoutMs = 5000): Promise<T> {
    const buffered = this.frames.shift();
    if (buffered !== undefined) return Promise.resolve(buffered as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived in time')), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame as T);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
