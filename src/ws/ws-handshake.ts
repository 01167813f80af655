import type { IncomingMessage } from 'node:http';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { bearerFromHeaders } from '../auth/bearer-token';
import type { TokenVerifier, VerifiedToken } from '../auth/token-verifier';

/**
 * Browsers cannot set headers on a WebSocket, so they may offer `Sec-WebSocket-Protocol: bearer, <token>`.
 * The server then selects `bearer`, a fixed name: the token is never echoed back.
 */
export const BEARER_SUBPROTOCOL = 'bearer';

/** The one handshake check every gateway shares, run during the HTTP upgrade before any 101 is sent. */
export class WsHandshake {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly allowedOrigins: string[] | null,
  ) {}

  async authenticate(request: IncomingMessage, url: URL): Promise<VerifiedToken> {
    const origin = request.headers.origin;
    // Non-browser clients send no Origin; a browser always does, and only listed ones may connect.
    if (this.allowedOrigins && origin !== undefined && !this.allowedOrigins.includes(origin)) {
      throw new AuthError(AuthErrorCode.ForbiddenOrigin, `Origin ${origin} is not allowed`);
    }
    const token = tokenOf(request, url);
    if (!token) {
      throw new AuthError(
        AuthErrorCode.MissingToken,
        'A token is required: Authorization: Bearer <token>, ?access_token=<token> or Sec-WebSocket-Protocol: bearer, <token>',
      );
    }
    return this.verifier.verify(token);
  }

  /** A fresh token sent on an open socket (an `auth` frame): judged exactly as at the upgrade. */
  renew(token: string): Promise<VerifiedToken> {
    return this.verifier.verify(token);
  }
}

function tokenOf(request: IncomingMessage, url: URL): string | null {
  const fromHeader = bearerFromHeaders(request.headers);
  if (fromHeader) return fromHeader;
  const fromQuery = url.searchParams.get('access_token');
  if (fromQuery) return fromQuery;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
  const marker = offered.indexOf(BEARER_SUBPROTOCOL);
  return marker >= 0 ? offered[marker + 1] || null : null;
}

/** ws's `handleProtocols`: answer the fixed marker, never another offered value (which may be a token). */
export function selectSubprotocol(offered: Set<string>): string | false {
  return offered.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : false;
}
