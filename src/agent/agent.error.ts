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
  /** The run streamed more text than RUN_MAX_OUTPUT_CHARS, or needed more model calls than RUN_MAX_STEPS. */
  OutputTooLarge = 'run.output_too_large',
  /** An interactive action's `waitForInput` timed out and the action let it end the run. */
  InputTimeout = 'action.input_timeout',
  Internal = 'run.internal',
}

/** A run that cannot go on; the message is safe to show a client (no stack, no secrets). */
export class AgentError extends CodedError<AgentErrorCode> {}
