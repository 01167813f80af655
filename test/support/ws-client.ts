import WebSocket, { type ClientOptions } from 'ws';
import { assertRefused, channelOf, checkFrame, type FrameChannel } from './frame-contract';

export interface UpgradeRefusal {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** The answers to a token renewal: about the connection, not the conversation, so they carry no seq. */
const SOCKET_FRAMES = new Set<unknown>(['auth_ok', 'auth_error']);

/**
 * A real `ws` client that buffers frames so a test can await them in order. On the three protocols, every frame
 * either way is checked against docs/asyncapi.yaml; a bad frame a test means to send goes through `sendMalformed`.
 */
export class TestSocket {
  /** Frames, or the contract violation that stands in for one (so `next()` fails where the test reads it). */
  private readonly frames: Array<{ frame: unknown } | { error: Error }> = [];
  /** The headers of the 101 response. */
  headers: Record<string, string | string[] | undefined> = {};
  private readonly waiters: Array<(received: { frame: unknown } | { error: Error }) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The `seq` of every frame received, in order (protocol sockets; the test probes send none). */
  readonly seqs: number[] = [];

  private constructor(
    readonly socket: WebSocket,
    /** Null for the transport specs' probes, which speak no protocol (and send no seq). */
    private readonly channel: FrameChannel | null,
  ) {
    socket.on('message', (data: Buffer) => {
      let received: { frame: unknown } | { error: Error };
      try {
        const frame = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        // Before seq is stripped: the contract describes the frame as it is on the wire.
        if (channel) checkFrame(channel, 'send', frame);
        received = { frame: this.withoutSeq(frame) };
      } catch (error) {
        received = { error: error as Error };
      }
      const waiter = this.waiters.shift();
      if (waiter) waiter(received);
      else this.frames.push(received);
      // Also fails the run when the test never reads the frame.
      if ('error' in received) throw received.error;
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<TestSocket> {
    const channel = channelOf(new URL(url).pathname);
    const { protocols, ...rest } = options;
    const socket = new WebSocket(url, protocols, rest);
    let headers: TestSocket['headers'] = {};
    socket.once('upgrade', (response) => (headers = response.headers));
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        const opened = new TestSocket(socket, channel);
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
    if (!this.channel || SOCKET_FRAMES.has(frame.type)) return frame;
    const { seq, ...rest } = frame;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < this.lastSeq) {
      throw new Error(`frame without a valid seq (last ${this.lastSeq}): ${JSON.stringify(frame)}`);
    }
    this.seqs.push(seq);
    return rest;
  }

  /** A frame of the protocol: an object, or JSON text, that the contract must accept. */
  send(frame: unknown): void {
    if (this.channel) checkFrame(this.channel, 'receive', typeof frame === 'string' ? parseSent(frame) : frame);
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** A frame the test sends to see it refused: the contract must refuse it as well. Text is sent as it is. */
  sendMalformed(frame: unknown): void {
    if (!this.channel) throw new Error('probe sockets speak no protocol: send them anything with send()');
    if (typeof frame !== 'string' || isJson(frame)) assertRefused(this.channel, 'receive', typeof frame === 'string' ? JSON.parse(frame) : frame);
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next<T = Record<string, unknown>>(timeoutMs = 5000): Promise<T> {
    const buffered = this.frames.shift();
    if (buffered !== undefined) return 'error' in buffered ? Promise.reject(buffered.error) : Promise.resolve(buffered.frame as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived in time')), timeoutMs);
      this.waiters.push((received) => {
        clearTimeout(timer);
        if ('error' in received) reject(received.error);
        else resolve(received.frame as T);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseSent(text: string): unknown {
  if (!isJson(text)) throw new Error(`not JSON, so not a frame of the protocol: use sendMalformed to send it on purpose: ${text}`);
  return JSON.parse(text);
}
