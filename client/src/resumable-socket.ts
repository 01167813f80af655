import { ClientErrorCode, GatewayError } from './gateway-error';
import { FrameStream } from './frame-stream';
import { SeqGate } from './seq-gate';
import { TokenRenewal } from './token-renewal';
import { defaultCarrier, networkError, OPEN, openSocket, type TokenCarrier, type WebSocketConstructor, type WebSocketLike } from './transport';

const POLICY_VIOLATION = 1008;
const TOKEN_EXPIRED = 'auth.token_expired';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface CloseInfo {
  code: number;
  reason: string;
  /** Why the connection ended abnormally; absent after a normal end or `close()`. */
  error?: GatewayError;
}

export interface ReconnectOptions {
  /** First delay before reconnecting; doubled on each failed attempt, with jitter. Default 250 ms. */
  initialDelayMs?: number;
  /** Default 10 s. */
  maxDelayMs?: number;
  /** Attempts in a row without reaching `open` before giving up. Default 10. */
  maxAttempts?: number;
}

export interface SocketSettings {
  WebSocket: WebSocketConstructor;
  token: () => Promise<string>;
  carrier?: TokenCarrier;
  /** `false`: never reconnect. */
  reconnect: ReconnectOptions | false;
}

/** What a protocol decides: where to connect, and which closes end the connection for good. */
export interface SocketPlan<S> {
  /** The URL of the next attempt; `after` is the last seq seen (null before any frame). */
  url(after: number | null): string;
  /** A close the server sent (or a cut) that is the end, not a reason to reconnect; may carry an error. */
  final(close: { code: number; reason: string }): { error?: GatewayError } | null;
  /** Frames from the log, which a replay could repeat; the others (refusals) carry a seq that may be old. */
  logged(frame: S): boolean;
  /** Each socket that opens, before the queued frames go out. */
  opened?(send: (frame: unknown) => void): void;
}

/** What `on` reports: every frame, and each change of state. */
export interface ConnectionEvents<S> {
  frame: S;
  state: ConnectionState;
}

/**
 * One logical connection over successive sockets: on an abnormal close it reconnects with backoff and
 * `after=<last seq>`, drops replayed duplicates, and queues frames sent while no socket is open.
 */
export class ResumableSocket<S extends { seq: number }, C> {
  state: ConnectionState = 'connecting';
  readonly closed: Promise<CloseInfo>;
  private socket: WebSocketLike | null = null;
  private readonly outbox: string[] = [];
  private readonly gate = new SeqGate<S>();
  private readonly streams = new Set<FrameStream<S>>();
  private readonly listeners = { frame: new Set<(frame: S) => void>(), state: new Set<(state: ConnectionState) => void>() };
  /** With `keepFromStart`: the first reader's stream, holding every frame since the connection began. */
  private first: FrameStream<S> | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private resolveClosed!: (info: CloseInfo) => void;
  private readonly renewal: TokenRenewal;

  constructor(
    private readonly settings: SocketSettings,
    private readonly plan: SocketPlan<S>,
    after: number | null = null,
    keepFromStart = false,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.renewal = new TokenRenewal(settings.token, (frame) => {
      if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
    });
    if (keepFromStart) this.first = this.frames();
    if (after !== null) this.gate.start(after);
    void this.connect();
  }

  /** The newest seq received: what a reconnect passes as `after`. */
  get lastSeq(): number | null {
    return this.gate.lastSeq;
  }

  send(frame: C): void {
    if (this.state === 'closed') throw new GatewayError(0, ClientErrorCode.Closed, 'The connection is closed');
    const text = JSON.stringify(frame);
    if (this.socket?.readyState === OPEN) this.socket.send(text);
    else this.outbox.push(text);
  }

  /** Every frame from now on, until the connection ends (the loop throws if it ended abnormally). */
  frames(): FrameStream<S> {
    const first = this.first;
    if (first) {
      this.first = null;
      return first;
    }
    const stream: FrameStream<S> = new FrameStream<S>(() => this.streams.delete(stream));
    if (this.state === 'closed') stream.end();
    else this.streams.add(stream);
    return stream;
  }

  on<K extends keyof ConnectionEvents<S>>(event: K, listener: (value: ConnectionEvents<S>[K]) => void): () => void {
    const set = this.listeners[event] as Set<typeof listener>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  close(code = 1000, reason = 'client closed'): void {
    if (this.state === 'closed') return;
    this.socket?.close(code, reason);
    this.finish({ code, reason });
  }

  private async connect(): Promise<void> {
    let refusal: GatewayError | null = null;
    let socket: WebSocketLike;
    let token: string;
    try {
      token = await this.settings.token();
      if (this.state === 'closed') return;
      const carrier = this.settings.carrier ?? defaultCarrier(this.settings.WebSocket, token);
      socket = openSocket(this.settings.WebSocket, this.plan.url(this.gate.resumeAfter()), token, carrier, (error) => (refusal = error));
    } catch (error) {
      this.retryOrFail(error instanceof GatewayError ? error : networkError(`Could not connect: ${String(error)}`));
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempts = 0;
      this.renewal.schedule(token);
      this.setState('open');
      this.plan.opened?.((frame) => socket.send(JSON.stringify(frame)));
      for (const text of this.outbox.splice(0)) socket.send(text);
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', ({ code, reason }) => {
      if (this.socket !== socket || this.state === 'closed') return;
      this.socket = null;
      this.renewal.stop();
      if (refusal) return this.refused(refusal);
      // The token ran out (its source gave no fresher one in time): a new socket asks the source again.
      if (code === POLICY_VIOLATION && reason === TOKEN_EXPIRED) {
        return this.retryOrFail(networkError(`The token expired (${code} ${reason})`, code));
      }
      const final = this.plan.final({ code, reason });
      if (final) return this.finish({ code, reason, ...final });
      this.retryOrFail(networkError(`The connection closed with ${code}${reason ? ` (${reason})` : ''}`, code));
    });
  }

  private receive(data: unknown): void {
    let frame: S;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data)) as S;
    } catch {
      return;
    }
    // The answers to a token renewal are about the socket, not the conversation: they carry no seq.
    const type = (frame as { type?: unknown }).type;
    if (type === 'auth_ok' || type === 'auth_error') return;
    if (!this.gate.admit(frame, this.plan.logged(frame))) return;
    for (const stream of this.streams) stream.push(frame);
    for (const listener of this.listeners.frame) listener(frame);
  }

  /** An upgrade answered with an HTTP error: 5xx and 429 are passing (a drain, a restart), the rest final. */
  private refused(error: GatewayError): void {
    if (error.status >= 500 || error.status === 429) this.retryOrFail(error);
    else this.finish({ code: 1006, reason: error.message, error });
  }

  private retryOrFail(error: GatewayError): void {
    const options = this.settings.reconnect;
    this.attempts += 1;
    if (options === false || this.attempts > (options.maxAttempts ?? 10)) {
      const gaveUp = options === false ? error : new GatewayError(error.status, ClientErrorCode.ReconnectFailed, `Gave up reconnecting: ${error.message}`, { closeCode: error.closeCode });
      return this.finish({ code: error.closeCode ?? 1006, reason: error.message, error: gaveUp });
    }
    this.setState('reconnecting');
    const base = Math.min((options.initialDelayMs ?? 250) * 2 ** (this.attempts - 1), options.maxDelayMs ?? 10000);
    this.timer = setTimeout(() => void this.connect(), base / 2 + Math.random() * (base / 2));
  }

  private finish(info: CloseInfo): void {
    if (this.timer) clearTimeout(this.timer);
    this.renewal.stop();
    this.setState('closed');
    for (const stream of this.streams) stream.end(info.error ?? null);
    this.streams.clear();
    this.resolveClosed(info);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners.state) listener(state);
  }
}
