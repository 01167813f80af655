import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { AgentError, AgentErrorCode } from '../agent.error';
import { afterAttempts, malformedResponse, providerError, providerTimeout, socketErrorCode, statusError, unreachable } from './provider-errors';

export interface ChatCompletionsEndpoint {
  provider: string;
  baseURL: string;
  maxRetries: number;
}

/**
 * The `openai` package's failures as the same coded errors the AI SDK path gives (see providerError). The
 * package retries by itself and says nothing of it, but its last failure tells: one it would have retried
 * means the retries ran out.
 */
export function chatCompletionsError(error: unknown, endpoint: ChatCompletionsEndpoint): AgentError {
  const { provider, baseURL, maxRetries } = endpoint;
  if (error instanceof AgentError) return error;
  const attempts = (mapped: AgentError) => (maxRetries > 0 ? afterAttempts(mapped, maxRetries + 1) : mapped);
  // A `data:` line that is not JSON: the streamer's parse of each event is the only JSON.parse on the way.
  if (error instanceof SyntaxError) return malformedResponse(provider);
  if (error instanceof APIConnectionTimeoutError) return attempts(providerTimeout(provider));
  if (error instanceof APIConnectionError) return attempts(unreachable(provider, baseURL, error));
  if (error instanceof APIError) {
    // instanceof leaves the class's type parameters `any`.
    const failure = error as APIError;
    if (failure.status === undefined) {
      // An `error` object inside a 200 stream: the provider failed after it started answering.
      return new AgentError(AgentErrorCode.ProviderUnavailable, `The ${provider} provider failed mid-answer: ${providerMessage(failure)}`);
    }
    const mapped = statusError(failure.status, provider, providerMessage(failure));
    return wouldRetry(failure) ? attempts(mapped) : mapped;
  }
  // Before the answer the package wraps a socket's failure (above); one that ends the answer's body comes as it is.
  const code = socketErrorCode(error);
  if (code) return new AgentError(AgentErrorCode.ProviderUnavailable, `The ${provider} provider broke off its answer (${code})`);
  return providerError(error, provider);
}

// The package's own rule (OpenAI.shouldRetry): the server's x-should-retry first, then the status.
function wouldRetry(error: APIError): boolean {
  const header = error.headers?.get('x-should-retry');
  if (header === 'true' || header === 'false') return header === 'true';
  const status = error.status ?? 0;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

// The body's `error.message` as the provider wrote it, without the package's status prefix.
function providerMessage(error: APIError): string {
  const body: { message?: unknown } | undefined = error.error;
  return typeof body?.message === 'string' ? body.message : error.message;
}
