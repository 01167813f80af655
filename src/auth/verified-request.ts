import type { Request } from 'express';
import type { AuthUser } from './auth-user';

const verified = new WeakMap<Request, AuthUser>();

/** A request whose bearer token was already verified (by the rate limiter), so the auth guard need not do it twice. */
export function rememberVerified(request: Request, user: AuthUser): void {
  verified.set(request, user);
}

export function verifiedUserOf(request: Request): AuthUser | undefined {
  return verified.get(request);
}
