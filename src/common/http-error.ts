import { HttpException, HttpStatus } from '@nestjs/common';
import { AgentError, AgentErrorCode } from '../agent/agent.error';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { ChatError, ChatErrorCode } from '../chat/chat.error';
import { ApprovalError, ApprovalErrorCode } from '../conversation/approval.error';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../database/database-unavailable';
import { EventLogError, EventLogErrorCode } from '../event-log/event-log.error';
import { InteractiveError, InteractiveErrorCode, SessionError, SessionErrorCode } from '../interactive/interactive.error';
import { QuotaError, QuotaErrorCode } from '../quota/quota.error';
import { ServerError, ServerErrorCode } from '../ws/server.error';
import type { ErrorResponse } from './error-response.dto';
import { RequestError, RequestErrorCode } from './request.error';

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
  if (error instanceof ChatError) return coded(chatStatus(error.code), error);
  if (error instanceof AgentError) return coded(agentStatus(error.code), error);
  if (error instanceof InteractiveError) return coded(interactiveStatus(error.code), error);
  if (error instanceof SessionError) return coded(sessionStatus(error.code), error);
  if (error instanceof ApprovalError) return coded(approvalStatus(error.code), error);
  if (error instanceof EventLogError) return coded(eventLogStatus(error.code), error);
  if (error instanceof ServerError) return serverError(error);
  if (error instanceof QuotaError) return quotaError(error);
  if (error instanceof RequestError) return coded(requestStatus(error.code), error);
  if (error instanceof HttpException) return fromHttpException(error);
  if (isDatabaseUnavailable(error)) {
    const status = HttpStatus.SERVICE_UNAVAILABLE;
    return { status, headers: {}, body: { statusCode: status, code: DATABASE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' } };
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
    case AuthErrorCode.InvalidSubject:
    case AuthErrorCode.WrongIssuer:
    case AuthErrorCode.WrongAudience:
    case AuthErrorCode.UnknownSigningKey:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.ForbiddenOrigin:
    case AuthErrorCode.MissingRole:
      return HttpStatus.FORBIDDEN;
    case AuthErrorCode.KeysUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

function interactiveStatus(code: InteractiveErrorCode): number {
  switch (code) {
    case InteractiveErrorCode.RouteNotFound:
      return HttpStatus.NOT_FOUND;
    case InteractiveErrorCode.MissingMessage:
    case InteractiveErrorCode.InvalidSessionId:
      return HttpStatus.BAD_REQUEST;
  }
}

function approvalStatus(code: ApprovalErrorCode): number {
  switch (code) {
    case ApprovalErrorCode.Unknown:
      return HttpStatus.NOT_FOUND;
    case ApprovalErrorCode.AlreadyDecided:
      return HttpStatus.CONFLICT;
    case ApprovalErrorCode.UnknownStatus:
      return HttpStatus.BAD_REQUEST;
  }
}

function sessionStatus(code: SessionErrorCode): number {
  switch (code) {
    case SessionErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case SessionErrorCode.NotWaiting:
    case SessionErrorCode.QuestionChanged:
      return HttpStatus.CONFLICT;
    case SessionErrorCode.UnknownStatus:
      return HttpStatus.BAD_REQUEST;
  }
}

function eventLogStatus(code: EventLogErrorCode): number {
  switch (code) {
    case EventLogErrorCode.WriterLost:
    case EventLogErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

function requestStatus(code: RequestErrorCode): number {
  switch (code) {
    case RequestErrorCode.TooDeep:
      return HttpStatus.BAD_REQUEST;
  }
}

function coded(status: number, error: ChatError | AgentError | InteractiveError | SessionError | ApprovalError | EventLogError | RequestError): HttpError {
  return { status, headers: {}, body: { statusCode: status, code: error.code, message: error.message } };
}

function chatStatus(code: ChatErrorCode): number {
  switch (code) {
    case ChatErrorCode.InvalidChatId:
    case ChatErrorCode.InvalidMessage:
    case ChatErrorCode.InvalidAfter:
      return HttpStatus.BAD_REQUEST;
    case ChatErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case ChatErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ChatErrorCode.Busy:
    case ChatErrorCode.NotHandedOff:
      return HttpStatus.CONFLICT;
    case ChatErrorCode.UnknownMessage:
      return HttpStatus.NOT_FOUND;
    case ChatErrorCode.StorageFailed:
    case ChatErrorCode.Interrupted:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

function agentStatus(code: AgentErrorCode): number {
  switch (code) {
    case AgentErrorCode.UnknownAgent:
      return HttpStatus.BAD_REQUEST;
    case AgentErrorCode.ProviderUnauthorized:
    case AgentErrorCode.ProviderRateLimited:
    case AgentErrorCode.ProviderUnavailable:
    case AgentErrorCode.ProviderRejected:
    case AgentErrorCode.ProviderUnreachable:
    case AgentErrorCode.MalformedResponse:
    case AgentErrorCode.OutputTooLarge:
      return HttpStatus.BAD_GATEWAY;
    case AgentErrorCode.ProviderTimeout:
    case AgentErrorCode.RunTimeout:
    case AgentErrorCode.InputTimeout:
      return HttpStatus.GATEWAY_TIMEOUT;
    case AgentErrorCode.Internal:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

function serverError(error: ServerError): HttpError {
  switch (error.code) {
    case ServerErrorCode.Draining: {
      const status = HttpStatus.SERVICE_UNAVAILABLE;
      // This instance is going away: behind a load balancer the retry reaches another one.
      return { status, headers: { 'Retry-After': '1' }, body: { statusCode: status, code: error.code, message: error.message } };
    }
  }
}

function quotaError(error: QuotaError): HttpError {
  switch (error.code) {
    case QuotaErrorCode.RateLimited:
    case QuotaErrorCode.TooManySockets:
    case QuotaErrorCode.QueueFull:
    case QuotaErrorCode.TooManyRuns: {
      const status = HttpStatus.TOO_MANY_REQUESTS;
      const retryAfter = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
      return { status, headers: { 'Retry-After': retryAfter }, body: { statusCode: status, code: error.code, message: error.message } };
    }
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
  // ValidationPipe reports one message per failed constraint.
  const details = Array.isArray(raw.message) ? raw.message.map(String) : null;
  const body: ErrorResponse = {
    statusCode: status,
    code: codeOf(error, status, raw, details),
    message: details ? `Invalid request: ${details.join('; ')}` : typeof raw.message === 'string' ? raw.message : error.message,
  };
  if (details) body.details = details;
  return { status, headers: {}, body };
}

function codeOf(error: HttpException, status: number, raw: Record<string, unknown>, details: string[] | null): string {
  if (typeof raw.code === 'string') return raw.code;
  if (details) return 'validation_failed';
  // Express's body parser fails bad JSON with a SyntaxError, which Nest wraps in a BadRequestException.
  if (error.cause instanceof SyntaxError && (error.cause as SyntaxError & { type?: string }).type === 'entity.parse.failed') {
    return 'invalid_json';
  }
  return CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error');
}
