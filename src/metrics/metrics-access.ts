import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { bearerFromHeaders } from '../auth/bearer-token';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** With METRICS_TOKEN set, a scrape must send it as `Authorization: Bearer …`; throws the AuthError to answer. */
export function assertMetricsAccess(headers: IncomingHttpHeaders, token: string | null): void {
  if (token === null) return;
  const given = bearerFromHeaders(headers);
  if (given === null) throw new AuthError(AuthErrorCode.MissingToken, 'The metrics need Authorization: Bearer <METRICS_TOKEN>');
  // Digests have one length, so the comparison takes the same time whatever the caller sent.
  if (!timingSafeEqual(digest(given), digest(token))) throw new AuthError(AuthErrorCode.InvalidToken, 'The metrics token is not valid');
}
