import { STATUS_CODES } from 'node:http';
import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  TypeValidationError,
} from '@ai-sdk/provider';
import { RetryError } from 'ai';
import { AgentError, AgentErrorCode } from '../agent.error';

/**
 * Turns whatever the LLM library threw into a message a client may read: which provider, which status,
 * what it means. Never a stack trace, never the request body (it holds the conversation).
 */
export function providerError(error: unknown, provider: string): AgentError {
  if (error instanceof AgentError) return error;
  if (RetryError.isInstance(error)) {
    return afterAttempts(providerError(error.lastError, provider), error.errors.length);
  }
  if (APICallError.isInstance(error)) return fromApiCall(error, provider);
  if (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error)
  ) {
    return malformedResponse(provider);
  }
  if (error instanceof Error && error.name === 'TimeoutError') return providerTimeout(provider);
  const detail = error instanceof Error ? error.message : String(error);
  return new AgentError(AgentErrorCode.Internal, `The ${provider} model call failed: ${detail}`);
}

function fromApiCall(error: APICallError, provider: string): AgentError {
  const status = error.statusCode;
  if (status === undefined) return unreachable(provider, error.url, error);
  // A 2xx the SDK could not read (non-JSON body, a wrong shape) is the provider's garbage, not a refusal.
  if (status >= 200 && status < 300) return malformedResponse(provider);
  return statusError(status, provider, error.message);
}

/** What a provider's HTTP status means; `detail` is the provider's own message, shown for requests it rejected. */
export function statusError(status: number, provider: string, detail: string): AgentError {
  const said = `The ${provider} provider answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
  if (status === 401 || status === 403) {
    return new AgentError(AgentErrorCode.ProviderUnauthorized, `${said}: check MODEL_API_KEY`);
  }
  if (status === 429) return new AgentError(AgentErrorCode.ProviderRateLimited, `${said}: rate limited, try again later`);
  if (status >= 500) return new AgentError(AgentErrorCode.ProviderUnavailable, `${said}: the provider is failing`);
  return new AgentError(AgentErrorCode.ProviderRejected, `${said}: ${detail}`);
}

/** No HTTP answer at all: where it tried and the socket's error code. */
export function unreachable(provider: string, url: string, error: unknown): AgentError {
  return new AgentError(AgentErrorCode.ProviderUnreachable, `Could not reach the ${provider} provider at ${origin(url)}: ${networkCause(error)}`);
}

export function malformedResponse(provider: string): AgentError {
  return new AgentError(AgentErrorCode.MalformedResponse, `The ${provider} provider sent a response that could not be understood`);
}

export function providerTimeout(provider: string): AgentError {
  return new AgentError(AgentErrorCode.ProviderTimeout, `The ${provider} provider did not answer in time`);
}

/** The failure of the last of several attempts. */
export function afterAttempts(error: AgentError, attempts: number): AgentError {
  return new AgentError(error.code, `${error.message} (gave up after ${attempts} attempts)`);
}

function networkCause(error: unknown): string {
  return socketErrorCode(error) ?? 'network error';
}

/** fetch wraps the socket error ("fetch failed" → ECONNREFUSED); the innermost code says what happened. */
export function socketErrorCode(error: unknown): string | undefined {
  let found: string | undefined;
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') found = code;
  }
  return found;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'its configured URL';
  }
}
