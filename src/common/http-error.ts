import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import type { ErrorResponse } from './error-response.dto';

export interface HttpError {
  status: number;
  body: ErrorResponse;
  headers: Record<string, string>;
}

/** The HTTP transport's one mapping from coded errors to status and body (REST and WebSocket upgrades). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof AuthError) {
    const status = authStatus(error.code);
    const headers: Record<string, string> =
      status === 401 ? { 'WWW-Authenticate': `Bearer error="invalid_token"` } : {};
    return { status, headers, body: { statusCode: status, code: error.code, message: error.message } };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  if (isClientHttpError(error)) {
    // body-parser and friends throw http-errors (bad JSON, an oversized body) before any route runs.
    const code = error.type === 'entity.parse.failed' ? 'invalid_json' : (CODES_BY_STATUS[error.status] ?? 'bad_request');
    return { status: error.status, headers: {}, body: { statusCode: error.status, code, message: error.message } };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    headers: {},
    body: { statusCode: 500, code: 'internal', message: 'Internal server error' },
  };
}

function authStatus(code: AuthErrorCode): number {
  switch (code) {
    case AuthErrorCode.MissingToken:
    case AuthErrorCode.InvalidToken:
    case AuthErrorCode.DisallowedAlgorithm:
    case AuthErrorCode.TokenExpired:
    case AuthErrorCode.MissingExpiry:
    case AuthErrorCode.MissingSubject:
    case AuthErrorCode.WrongIssuer:
    case AuthErrorCode.WrongAudience:
    case AuthErrorCode.UnknownSigningKey:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.ForbiddenOrigin:
      return HttpStatus.FORBIDDEN;
    case AuthErrorCode.KeysUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

function fromHttpException(error: HttpException): HttpError {
  const status = error.getStatus();
  const response = error.getResponse();
  const raw = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const messages = Array.isArray(raw.message) ? raw.message.map(String) : null;
  const body: ErrorResponse = {
    statusCode: status,
    code: typeof raw.code === 'string' ? raw.code : messages ? 'validation_failed' : (CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error')),
    message: messages ? `Invalid request: ${messages.join('; ')}` : typeof raw.message === 'string' ? raw.message : error.message,
  };
  if (messages) body.details = messages;
  return { status, headers: {}, body };
}

function isClientHttpError(error: unknown): error is { status: number; type?: string; message: string } {
  const candidate = error as { status?: unknown; expose?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.expose === true &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}
