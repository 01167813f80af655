import { AuthError, AuthErrorCode } from '../auth/auth.error';
import type { VerifiedToken } from '../auth/token-verifier';
import type { GatewaySocket } from './gateway-socket';
import type { WsHandshake } from './ws-handshake';

/** Policy violation: the socket's token expired, or a renewal named another user. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** A renewal whose token is valid but names another user than the one the socket was opened for. */
export const SUBJECT_MISMATCH = 'auth.subject_mismatch';
/** The 101 response names the deadline, for clients that schedule their renewal by it. */
export const DEADLINE_HEADER = 'X-Auth-Deadline';

/** setTimeout's longest delay (about 24.8 days); a token that lives longer is looked at again when it runs out. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The socket-level frames of every protocol: about the connection, not the conversation, so without `seq`. */
export type AuthReply = { type: 'auth_ok'; deadline: string } | { type: 'auth_error'; code: string; message: string };

/**
 * A socket lives as long as its token: at the token's exp plus the clock tolerance it is closed with 1008
 * `auth.token_expired`, unless the client sends a fresh token for the same user first (`{"type":"auth","token"}`),
 * which moves the deadline. Sockets wait in sets by deadline (tokens expire on whole seconds, so sockets share them)
 * under one timer for the earliest: a timer per socket was a `Timeout`, its arguments and a timer list each, about
 * a twentieth of an idle socket's memory. Nothing per frame.
 */
export class TokenLease {
  private readonly due = new Map<number, Set<GatewaySocket>>();
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires; Infinity when none is set. */
  private timerAt = Infinity;

  constructor(
    private readonly handshake: WsHandshake,
    /** Stops the socket's frames from being handled: nothing it sends once its lease ended is acted on. */
    private readonly revoke: (socket: GatewaySocket) => void,
  ) {}

  start(socket: GatewaySocket, token: VerifiedToken): void {
    socket.sub = token.user.sub;
    this.arm(socket, token.acceptedUntil);
  }

  /** The socket closed: it no longer waits for its deadline. */
  stop(socket: GatewaySocket): void {
    const waiting = this.due.get(socket.deadline);
    if (waiting?.delete(socket) && waiting.size === 0) this.due.delete(socket.deadline);
  }

  /** An `auth` frame: a verified token for the socket's user moves the deadline; anything else is refused. */
  async renew(socket: GatewaySocket, frame: Record<string, unknown>): Promise<void> {
    const token = frame.token;
    if (typeof token !== 'string' || token === '') {
      reply(socket, { type: 'auth_error', code: AuthErrorCode.MissingToken, message: 'The auth frame needs "token": a JWT' });
      return;
    }
    let renewed: VerifiedToken;
    try {
      renewed = await this.handshake.renew(token);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // The socket keeps its deadline: a bad renewal changes nothing.
      reply(socket, { type: 'auth_error', code: error.code, message: error.message });
      return;
    }
    if (socket.readyState !== socket.OPEN) return;
    if (renewed.user.sub !== socket.sub) {
      reply(socket, { type: 'auth_error', code: SUBJECT_MISMATCH, message: 'The token names another user than the one this socket was opened for' });
      this.end(socket, SUBJECT_MISMATCH);
      return;
    }
    this.stop(socket);
    this.arm(socket, renewed.acceptedUntil);
    reply(socket, { type: 'auth_ok', deadline: new Date(renewed.acceptedUntil).toISOString() });
  }

  private arm(socket: GatewaySocket, deadline: number): void {
    socket.deadline = deadline;
    let waiting = this.due.get(deadline);
    if (!waiting) this.due.set(deadline, (waiting = new Set()));
    waiting.add(socket);
    if (deadline < this.timerAt) this.schedule(deadline);
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.min(at - Date.now(), MAX_DELAY_MS)));
    this.timer.unref();
  }

  /** Ends the sockets whose deadline has passed, then waits for the next one (or, past setTimeout's range, again). */
  private expire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [deadline, sockets] of this.due) {
      if (deadline > now) {
        next = Math.min(next, deadline);
        continue;
      }
      this.due.delete(deadline);
      for (const socket of sockets) this.end(socket, AuthErrorCode.TokenExpired);
    }
    if (next !== Infinity) this.schedule(next);
  }

  private end(socket: GatewaySocket, reason: string): void {
    this.revoke(socket);
    socket.close(CLOSE_POLICY_VIOLATION, reason);
  }
}

function reply(socket: GatewaySocket, frame: AuthReply): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
