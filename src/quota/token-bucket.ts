import type { RateLimit } from '../config/app-config';

/**
 * A sustained rate with a burst: full to start with, one token per frame, refilled continuously. Plain fields and
 * no timers, so a socket that never sends costs nothing and one that does costs two additions per frame.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  /** Takes a token when there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the sender has been quiet long enough for the whole burst to come back. */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }

  /** Milliseconds until the next token. */
  waitMs(): number {
    return Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSecond);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSecond) / 1000);
    this.at = now;
  }
}
