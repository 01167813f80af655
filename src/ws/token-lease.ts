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

/** setTimeout's longest delay (about 24.8 days); a token that lives longer re-arms its timer when it runs out. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The socket-level frames of every protocol: about the connection, not the conversation, so without `seq`. */
export type AuthReply = { type: 'auth_ok'; deadline: string } | { type: 'auth_error'; code: string; message: string };

/**
 * A socket lives as long as its token: at the token's exp plus the clock tolerance it is closed with 1008
 * `auth.token_expired`, unless the client sends a fresh token for the same user first (`{"type":"auth","token"}`),
 * which moves the deadline. One timer per socket, armed at the upgrade and re-armed by a renewal; nothing per frame.
 */
export class TokenLease {
  private readonly expire = (socket: GatewaySocket): void => {
    socket.expiry = null;
    const left = socket.deadline - Date.now();
    if (left > 0) this.arm(socket, left);
    else this.end(socket, AuthErrorCode.TokenExpired);
  };

  constructor(
    private readonly handshake: WsHandshake,
    /** Stops the socket's frames from being handled: nothing it sends once its lease ended is acted on. */
    private readonly revoke: (socket: GatewaySocket) => void,
  ) {}

  start(socket: GatewaySocket, token: VerifiedToken): void {
    socket.sub = token.user.sub;
    socket.deadline = token.acceptedUntil;
    this.arm(socket, token.acceptedUntil - Date.now());
  }

  /** The socket closed: its timer goes. */
  stop(socket: GatewaySocket): void {
    clearExpiry(socket);
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
    socket.deadline = renewed.acceptedUntil;
    clearExpiry(socket);
    this.arm(socket, renewed.acceptedUntil - Date.now());
    reply(socket, { type: 'auth_ok', deadline: new Date(renewed.acceptedUntil).toISOString() });
  }

  private arm(socket: GatewaySocket, delayMs: number): void {
    socket.expiry = setTimeout(this.expire, Math.max(0, Math.min(delayMs, MAX_DELAY_MS)), socket);
    socket.expiry.unref();
  }

  private end(socket: GatewaySocket, reason: string): void {
    this.revoke(socket);
    socket.close(CLOSE_POLICY_VIOLATION, reason);
  }
}

function clearExpiry(socket: GatewaySocket): void {
  if (socket.expiry) clearTimeout(socket.expiry);
  socket.expiry = null;
}

function reply(socket: GatewaySocket, frame: AuthReply): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
