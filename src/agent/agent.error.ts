import { CodedError } from '../common/coded-error';

export enum AgentErrorCode {
  UnknownAgent = 'agent.unknown_agent',
  ProviderUnauthorized = 'model.unauthorized',
  ProviderRateLimited = 'model.rate_limited',
  ProviderUnavailable = 'model.unavailable',
  ProviderRejected = 'model.rejected',
  ProviderTimeout = 'model.timeout',
  ProviderUnreachable = 'model.unreachable',
  MalformedResponse = 'model.malformed_response',
  RunTimeout = 'run.timeout',
  Internal = 'run.internal',
}

/** A run that cannot go on; the message is safe to show a client (no stack, no secrets). */
export class AgentError extends CodedError<AgentErrorCode> {}
