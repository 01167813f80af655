import type { JwtPayload } from 'jsonwebtoken';
import { AuthError, AuthErrorCode } from './auth.error';
import type { AuthUser } from './auth-user';

/** `sub` becomes chats.owner_id, a varchar(255); PostgreSQL counts characters (code points) and refuses NUL in text. */
export const MAX_SUBJECT_CHARS = 255;

/** Turns a signature-checked payload into the caller, enforcing the claims every token must carry. */
export function userFromClaims(payload: JwtPayload, rolesClaim: string): AuthUser {
  if (typeof payload.exp !== 'number') {
    throw new AuthError(AuthErrorCode.MissingExpiry, 'The token has no exp claim; tokens must expire');
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new AuthError(AuthErrorCode.MissingSubject, 'The token has no sub claim naming the user');
  }
  if (payload.sub.includes('\0') || [...payload.sub].length > MAX_SUBJECT_CHARS) {
    throw new AuthError(AuthErrorCode.InvalidSubject, `The token's sub must be at most ${MAX_SUBJECT_CHARS} characters, without NUL`);
  }
  return { sub: payload.sub, roles: rolesFrom(claimAt(payload, rolesClaim)) };
}

// Identity providers nest roles (Keycloak: realm_access.roles) or namespace them with a URL
// (Auth0: https://example.com/roles), so the exact name wins before the dotted path is walked.
function claimAt(payload: JwtPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let node: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function rolesFrom(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((role): role is string => typeof role === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((role) => role.length > 0);
  return [];
}
