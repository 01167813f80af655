import { endedBy, NORMAL_CLOSE } from './close-codes';
import { FrameStream, TurnFrames } from './frame-stream';
import { ClientErrorCode, GatewayError } from './gateway-error';
import type { InteractClientFrame, InteractObject, InteractServerFrame } from './generated/frames';
import { randomId } from './ids';
import { interactTurn, TurnQueue, type InteractTurn } from './interact-turn';
import { ResumableSocket, type CloseInfo, type ConnectionEvents, type ConnectionState, type SocketSettings } from './resumable-socket';
import { withQuery } from './transport';

export interface InteractOptions {
  convoId: string;
  agentId: string;
  /** One of the server's INTERACT_BUCKETS: `(default)` or `voiceglow-eu` unless configured. */
  bucket: string;
  /**
   * true (default): one socket (`keep_open=1`) for every prompt, which also shows the conversation's other
   * turns (operator replies, other devices). false: the platform's way, one socket per prompt that the
   * server closes with 1000 once the turn is over.
   */
  keepOpen?: boolean;
  /** `debug=1`: engine events too, when the token has the debug role. */
  debug?: boolean;
  /** keepOpen only: start by replaying the conversation's events after this seq. */
  after?: number;
  /** Fields sent with every prompt: `agentData`, `lightConvoData`, `sessionId`, … */
  defaults?: Partial<InteractObject>;
}

type Socket = ResumableSocket<InteractServerFrame, InteractClientFrame>;
// Events outside the log (refusals, sync, the re-sent answer of a repeated mid) carry an old seq: never dropped.
const logged = (frame: InteractServerFrame) => frame.type !== 'error' && frame.type !== 'sync_chat_history';

/** WS /interact for one conversation: prompts as typed turns, cancel, resume with `convoId` + `after` after a cut. */
export class InteractConnection implements AsyncIterable<InteractServerFrame> {
  private readonly shared: Socket | null = null;
  private readonly turns = new TurnQueue();
  private readonly perTurn = new Set<Socket>();
  private readonly streams = new Set<FrameStream<InteractServerFrame>>();
  private ended = false;
  readonly closed: Promise<CloseInfo>;
  private resolveClosed!: (info: CloseInfo) => void;

  constructor(
    private readonly settings: SocketSettings,
    private readonly wsBase: string,
    private readonly options: InteractOptions,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    if (options.keepOpen === false) return;
    const url = (after: number | null) => this.url({ keep_open: 1, ...(after === null ? {} : { convoId: options.convoId, after }) });
    this.shared = new ResumableSocket(settings, { url, final: endedBy, logged }, options.after ?? null);
    this.shared.on('frame', (frame) => {
      this.turns.route(frame);
      this.deliver(frame);
    });
    void this.shared.closed.then((info) => this.finish(info));
  }

  get state(): ConnectionState {
    return this.shared ? this.shared.state : this.ended ? 'closed' : 'open';
  }

  /** Every frame and each change of state of the kept-open socket; with `keepOpen: false`, nothing is reported. */
  on<K extends keyof ConnectionEvents<InteractServerFrame>>(event: K, listener: (value: ConnectionEvents<InteractServerFrame>[K]) => void): () => void {
    return this.shared ? this.shared.on(event, listener) : () => undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<InteractServerFrame> {
    const stream: FrameStream<InteractServerFrame> = new FrameStream(() => this.streams.delete(stream));
    if (this.ended) stream.end();
    else this.streams.add(stream);
    return stream[Symbol.asyncIterator]();
  }

  /** Sends a prompt (`"start"` for the greeting) and returns its turn. A `mid` is added if the object has none. */
  prompt(prompt: string | Partial<InteractObject>): InteractTurn {
    const object = this.object(typeof prompt === 'string' ? { prompt } : prompt);
    const mid = object.actionMetadata?.mid ?? randomId();
    object.actionMetadata = { ...object.actionMetadata, mid };
    const frames = new TurnFrames<InteractServerFrame>();
    if (this.shared) {
      this.turns.add(frames);
      this.shared.send(object);
    } else this.oneTurn(object, frames);
    return interactTurn(mid, frames);
  }

  /** `@cancel:<reason>`: cancels the turn the conversation is running, whichever connection started it. */
  cancel(reason = 'cancelled by the client'): void {
    const object = this.object({ prompt: `@cancel:${reason}` });
    if (this.shared) return this.shared.send(object);
    const running = [...this.perTurn].at(-1);
    if (running && running.state !== 'closed') running.send(object);
    else this.oneTurn(object, new TurnFrames());
  }

  /** Lets a tool call waiting for approval (an `approval_request` action) run; an `approval_result` action follows. */
  approve(approvalId: string, reason?: string): void {
    this.send({ convoId: this.options.convoId, approval: reason === undefined ? { id: approvalId, approved: true } : { id: approvalId, approved: true, reason } });
  }

  /** Refuses a tool call waiting for approval; the model reads `reason` instead of the call's result. */
  reject(approvalId: string, reason: string): void {
    if (reason.trim() === '') throw new RangeError('reason must not be blank: the model reads it');
    this.send({ convoId: this.options.convoId, approval: { id: approvalId, approved: false, reason } });
  }

  /** Sends an interactObject as it is (only the connection's convoId is followed on a resume). */
  send(object: InteractClientFrame): void {
    if (this.shared) this.shared.send(object);
    else this.oneTurn(object, new TurnFrames());
  }

  close(): void {
    if (this.shared) return this.shared.close(NORMAL_CLOSE);
    for (const socket of this.perTurn) socket.close(NORMAL_CLOSE);
    this.finish({ code: NORMAL_CLOSE, reason: 'client closed' });
  }

  /**
   * One socket for one turn. The object goes out on the first socket that opens before any event came; a
   * socket cut after that resumes with `convoId` + `after` (the server closes it after the turn's end). The
   * resent object has the same `mid`, so the server answers it once.
   */
  private oneTurn(object: InteractClientFrame, frames: TurnFrames<InteractServerFrame>): void {
    if (this.ended) throw new GatewayError(0, ClientErrorCode.Closed, 'The connection is closed');
    let seenEnd = false;
    const url = (after: number | null) => this.url(after === null ? {} : { convoId: object.convoId, after });
    const plan = {
      url,
      logged,
      final: (close: { code: number; reason: string }) => (seenEnd ? {} : endedBy(close)),
      opened: (send: (frame: unknown) => void) => (socket.lastSeq === null ? send(object) : undefined),
    };
    const socket: Socket = new ResumableSocket(this.settings, plan);
    this.perTurn.add(socket);
    socket.on('frame', (frame) => {
      seenEnd ||= frame.type === 'turn_end';
      frames.push(frame);
      this.deliver(frame);
    });
    void socket.closed.then((info) => {
      this.perTurn.delete(socket);
      frames.end(info.error ?? null);
    });
  }

  private object(fields: Partial<InteractObject>): InteractObject {
    const { convoId, agentId, bucket, defaults } = this.options;
    return { ...defaults, convoId, agentId, bucket, ...fields };
  }

  private url(params: Record<string, string | number>): string {
    return withQuery(`${this.wsBase}/interact`, { ...params, debug: this.options.debug ? 1 : undefined });
  }

  private deliver(frame: InteractServerFrame): void {
    for (const stream of this.streams) stream.push(frame);
  }

  private finish(info: CloseInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.turns.endAll(info.error ?? new GatewayError(0, ClientErrorCode.Closed, 'The connection closed before the turn ended'));
    for (const stream of this.streams) stream.end(info.error ?? null);
    this.streams.clear();
    this.resolveClosed(info);
  }
}
