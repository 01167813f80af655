import { endedBy, NORMAL_CLOSE, SESSION_FAILED, TAKEN_OVER } from './close-codes';
import { ClientErrorCode, GatewayError } from './gateway-error';
import type { InteractiveClientFrame, InteractiveServerFrame } from './generated/frames';
import { randomId } from './ids';
import { ResumableSocket, type SocketSettings } from './resumable-socket';
import { SocketConnection } from './socket-connection';
import { withQuery } from './transport';

export interface InteractiveOptions {
  /** The session's starting message (required by the server; ignored when the session already runs). */
  message: string;
  /** Default: a random UUID chosen here, so a reconnect finds the same session. */
  sessionId?: string;
  /** Start by replaying the session's frames after this seq. */
  after?: number;
}

type ErrorFrame = { event: 'error'; data: { code: string; message: string }; seq: number };

/** `{"event":"error","data":{code,message}}`: what a session sends when something went wrong. */
export function isErrorFrame(frame: InteractiveServerFrame): frame is InteractiveServerFrame & ErrorFrame {
  const data = (frame as { data?: unknown }).data;
  return (frame as { event?: unknown }).event === 'error' && typeof data === 'object' && data !== null;
}

/**
 * An interactive session (WS {base}{route}): the action's questions and notifications as frames, `answer`
 * for `waitForInput`. The iteration ends when the session is done (1000); it throws when the session failed
 * (1011, with the error frame's code) or a newer socket took it over (4409: no reconnect, that would take it back).
 */
export class InteractiveConnection extends SocketConnection<InteractiveServerFrame, InteractiveClientFrame> {
  readonly sessionId: string;
  protected readonly socket: ResumableSocket<InteractiveServerFrame, InteractiveClientFrame>;
  private lastError: ErrorFrame['data'] | null = null;

  constructor(settings: SocketSettings, wsBase: string, route: string, options: InteractiveOptions) {
    super();
    this.sessionId = options.sessionId ?? randomId();
    const path = `${wsBase}/${route.replace(/^\/+/, '')}`;
    // A reconnect with `after` gets what it missed, the pending question included when it had not arrived.
    const url = (after: number | null) => withQuery(path, { message: options.message, session_id: this.sessionId, after });
    const plan = {
      url,
      final: (close: { code: number; reason: string }) => this.ended(close),
      logged: (frame: InteractiveServerFrame) => !isErrorFrame(frame),
    };
    // A session is short and read from its first frame (the question may come before the loop starts): keep them.
    this.socket = new ResumableSocket(settings, plan, options.after ?? null, true);
    this.socket.on('frame', (frame) => {
      if (isErrorFrame(frame)) this.lastError = frame.data;
    });
  }


  /**
   * Answers the pending `waitForInput`: `{"type":"chat","message":…,"metadata":…}`. While reconnecting it is
   * queued for the next socket. The protocol does not acknowledge answers: one sent as the connection drops,
   * before the client noticed, is lost, and the action keeps waiting (answer again once `open`).
   */
  answer(message: string, metadata?: InteractiveClientFrame['metadata']): void {
    this.socket.send(metadata === undefined ? { type: 'chat', message } : { type: 'chat', message, metadata });
  }

  close(): void {
    this.socket.close(NORMAL_CLOSE);
  }

  private ended(close: { code: number; reason: string }): { error?: GatewayError } | null {
    if (close.code === SESSION_FAILED) {
      const { code, message } = this.lastError ?? { code: 'action.failed', message: 'The session failed' };
      return { error: new GatewayError(0, code, message, { closeCode: close.code }) };
    }
    if (close.code === TAKEN_OVER) return { error: new GatewayError(0, ClientErrorCode.TakenOver, close.reason || 'session taken over', { closeCode: close.code }) };
    return endedBy(close);
  }
}
