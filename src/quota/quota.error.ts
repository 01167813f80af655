import { CodedError } from '../common/coded-error';

export enum QuotaErrorCode {
  /** Frames (WebSocket) or requests (REST) faster than the user's or the socket's rate. */
  RateLimited = 'quota.rate_limited',
  TooManySockets = 'quota.too_many_sockets',
  /** The chat already has CHAT_MAX_QUEUED_TURNS messages waiting behind the running one. */
  QueueFull = 'quota.queue_full',
  /** The user already has RUNS_IN_FLIGHT_PER_USER turns accepted and not yet ended. */
  TooManyRuns = 'quota.too_many_runs',
}

/** A user asked for more than their share; nothing of the refused request was kept. `retryAfterMs`: when to try again. */
export class QuotaError extends CodedError<QuotaErrorCode> {
  constructor(
    code: QuotaErrorCode,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(code, message);
  }
}
