import { CodedError } from '../common/coded-error';

export enum AuthErrorCode {
  MissingToken = 'auth.missing_token',
  InvalidToken = 'auth.invalid_token',
  DisallowedAlgorithm = 'auth.disallowed_algorithm',
  TokenExpired = 'auth.token_expired',
  MissingExpiry = 'auth.missing_exp',
  MissingSubject = 'auth.missing_sub',
  InvalidSubject = 'auth.invalid_sub',
  WrongIssuer = 'auth.wrong_issuer',
  WrongAudience = 'auth.wrong_audience',
  UnknownSigningKey = 'auth.unknown_signing_key',
  KeysUnavailable = 'auth.keys_unavailable',
  ForbiddenOrigin = 'auth.forbidden_origin',
  MissingRole = 'auth.missing_role',
}

/** Every reason a caller is turned away at the edge; transports map the code to a status once. */
export class AuthError extends CodedError<AuthErrorCode> {}
