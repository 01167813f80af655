import { endedBy, NORMAL_CLOSE } from './close-codes';
import { TurnFrames } from './frame-stream';
import { ClientErrorCode, GatewayError } from './gateway-error';
import type { ChatClientFrame, ChatServerFrame } from './generated/frames';
import { randomId } from './ids';
import { ResumableSocket, type CloseInfo, type SocketSettings } from './resumable-socket';
import { SocketConnection } from './socket-connection';
import { withQuery } from './transport';

export interface ChatOptions {
  /** `?stream=1`: `agent_step_delta` frames carry the text as the model writes it. */
  stream?: boolean;
  /** Resume after this seq (e.g. the `seq` of a `chat_history` shown earlier); absent: live frames only. */
  after?: number;
}

type Frame<T extends ChatServerFrame['type']> = Extract<ChatServerFrame, { type: T }>;

/** One message's frames, ending at its `message_end` (or at the `agent_error` that refused it). */
export interface ChatTurn extends AsyncIterable<ChatServerFrame> {
  readonly messageId: string;
  /** Resolves with every frame of the turn once it ended. */
  readonly done: Promise<ChatServerFrame[]>;
  /** The `FinalAnswerStep`'s text, or null when the turn ended without one (check `error`). */
  answer(): Promise<string | null>;
  /** The `agent_error` of the turn, if any (`cancelled`, `interrupted`, a provider failure, a refusal). */
  error(): Promise<string | null>;
  cancel(): void;
}

export const MAX_MESSAGE_CHARS = 20000;
export const MAX_ID_CHARS = 128;
// A run's agent_error and its message_end are written together; a refusal's agent_error has no message_end.
const END_GRACE_MS = 1000;

/** WS /chat/{chat_id}: typed frames, `ask` for one message's turn, `cancel`, resume with `after` after a cut. */
export class ChatConnection extends SocketConnection<ChatServerFrame, ChatClientFrame> {
  protected readonly socket: ResumableSocket<ChatServerFrame, ChatClientFrame>;
  private readonly turns = new Map<string, { turn: TurnFrames<ChatServerFrame>; failed: boolean; timer?: ReturnType<typeof setTimeout> }>();
  private lastAsked: string | null = null;

  constructor(
    settings: SocketSettings,
    wsBase: string,
    readonly chatId: string,
    options: ChatOptions = {},
  ) {
    super();
    const url = (after: number | null) => withQuery(`${wsBase}/chat/${encodeURIComponent(chatId)}`, { stream: options.stream ? 1 : undefined, after });
    const plan = {
      url,
      final: endedBy,
      logged: (frame: ChatServerFrame) => frame.type !== 'chat_history' && frame.type !== 'agent_error',
    };
    this.socket = new ResumableSocket(settings, plan, options.after ?? null);
    this.socket.on('frame', (frame) => this.route(frame));
    void this.socket.closed.then((info) => this.endTurns(info));
  }


  send(frame: ChatClientFrame): void {
    if (frame.type === 'client') checkMessage(frame.message, frame.message_id);
    this.socket.send(frame);
  }

  /** Sends a message and returns its turn; frames of the turn are kept from the moment it is sent. */
  ask(message: string, messageId: string = randomId()): ChatTurn {
    checkMessage(message, messageId);
    const turn = new TurnFrames<ChatServerFrame>();
    this.turns.set(messageId, { turn, failed: false });
    void turn.done.finally(() => this.turns.delete(messageId)).catch(() => undefined);
    this.lastAsked = messageId;
    this.socket.send({ type: 'client', message, message_id: messageId });
    const text = async <T extends 'agent_step' | 'agent_error'>(type: T, pick: (frame: Frame<T>) => string | null) => {
      const frames = (await turn.done).filter((frame): frame is Frame<T> => frame.type === type);
      return frames.map(pick).filter((value) => value !== null).at(-1) ?? null;
    };
    return {
      messageId,
      done: turn.done,
      answer: () => text('agent_step', (frame) => (frame.step_type === 'FinalAnswerStep' ? frame.message : null)),
      error: () => text('agent_error', (frame) => frame.error),
      cancel: () => this.cancel(messageId),
      [Symbol.asyncIterator]: () => turn[Symbol.asyncIterator](),
    };
  }

  /** Cancels a message, running or queued (default: the last one asked). */
  cancel(messageId: string | null = this.lastAsked): void {
    if (messageId !== null) this.socket.send({ type: 'cancel', message_id: messageId });
  }

  /** Lets a tool call waiting for approval (an `approval_request` frame) run; `approval_result` follows. */
  approve(approvalId: string, reason?: string): void {
    this.socket.send(reason === undefined ? { type: 'approve', approval_id: approvalId } : { type: 'approve', approval_id: approvalId, reason });
  }

  /** Refuses a tool call waiting for approval; the model reads `reason` instead of the call's result. */
  reject(approvalId: string, reason: string): void {
    if (reason.trim() === '') throw new RangeError('reason must not be blank: the model reads it');
    this.socket.send({ type: 'reject', approval_id: approvalId, reason });
  }

  /** Asks for the chat's newest 100 history rows; they arrive as a `chat_history` frame. */
  requestHistory(): void {
    this.socket.send({ type: 'get_history' });
  }

  close(): void {
    this.socket.close(NORMAL_CLOSE);
  }

  private route(frame: ChatServerFrame): void {
    // A frame after a refused message's agent_error (which no message_end follows) ends that turn.
    for (const [id, pending] of this.turns) if (pending.failed && !(frame.type === 'message_end' && frame.message_id === id)) this.endTurn(id);
    if (!('message_id' in frame) || frame.message_id === undefined) return;
    const pending = this.turns.get(frame.message_id);
    if (!pending) return;
    pending.turn.push(frame);
    if (frame.type === 'message_end') this.endTurn(frame.message_id);
    else if (frame.type === 'agent_error') {
      pending.failed = true;
      pending.timer = setTimeout(() => this.endTurn(frame.message_id!), END_GRACE_MS);
    }
  }

  private endTurn(messageId: string): void {
    const pending = this.turns.get(messageId);
    if (!pending) return;
    if (pending.timer) clearTimeout(pending.timer);
    this.turns.delete(messageId);
    pending.turn.end();
  }

  private endTurns(info: CloseInfo): void {
    for (const [id, pending] of this.turns) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.turn.end(info.error ?? new GatewayError(0, ClientErrorCode.Closed, `The connection closed before message ${id} ended`));
      this.turns.delete(id);
    }
  }
}

function checkMessage(message: string, messageId: string): void {
  if (message.trim() === '' || message.length > MAX_MESSAGE_CHARS) throw new RangeError(`message must be 1–${MAX_MESSAGE_CHARS} characters, not blank`);
  if (messageId.trim() === '' || messageId.length > MAX_ID_CHARS) throw new RangeError(`message_id must be 1–${MAX_ID_CHARS} characters, not blank`);
}
