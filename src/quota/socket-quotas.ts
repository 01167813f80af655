import type { QuotaConfig } from '../config/app-config';
import { QuotaError, QuotaErrorCode } from './quota.error';
import { TokenBucket } from './token-bucket';

interface UserShare {
  sockets: number;
  rate: TokenBucket;
}

/**
 * What a socket's frame gets: handled, refused (an error frame), refused and the socket closed (1008), or, once
 * the socket is being closed for flooding, dropped unanswered.
 */
export type FrameVerdict = { kind: 'accept' } | { kind: 'drop' } | { kind: 'refuse' | 'close'; error: QuotaError };

/** What the quotas remember of one socket, kept on the socket itself. */
export interface SocketShare {
  sub: string;
  rate: TokenBucket | null;
  refusals: number;
  /** Closed for flooding: what it still sends is not worth an answer. */
  cutOff: boolean;
}

const ACCEPT: FrameVerdict = { kind: 'accept' };
const DROP: FrameVerdict = { kind: 'drop' };

/**
 * The WebSocket quotas of one instance: open sockets per user, and frames per second per socket and per user.
 * Per instance on purpose: they are checked on every frame, where a round trip to Redis would cost more than
 * the frame, and a crashed instance leaves no counts behind. A load balancer spreading a user over N instances
 * gives them N times these limits.
 */
export class SocketQuotas {
  private readonly users = new Map<string, UserShare>();

  constructor(private readonly config: QuotaConfig) {}

  /** Throws when the user already holds their share of sockets; otherwise the socket counts until `release`. */
  admit(sub: string): SocketShare {
    const user = this.users.get(sub);
    if (user && user.sockets >= this.config.socketsPerUser) {
      throw new QuotaError(QuotaErrorCode.TooManySockets, `At most ${this.config.socketsPerUser} WebSocket connections per user (WS_MAX_SOCKETS_PER_USER)`, 1000);
    }
    if (user) user.sockets += 1;
    else this.users.set(sub, { sockets: 1, rate: new TokenBucket(this.config.userRate, Date.now()) });
    return { sub, rate: null, refusals: 0, cutOff: false };
  }

  release(share: SocketShare): void {
    const user = this.users.get(share.sub);
    if (!user) return;
    user.sockets -= 1;
    if (user.sockets <= 0) this.users.delete(share.sub);
  }

  /** Judged before the frame is even parsed, so a flood costs as little as possible. */
  frame(share: SocketShare): FrameVerdict {
    if (share.cutOff) return DROP;
    const now = Date.now();
    const socketRate = (share.rate ??= new TokenBucket(this.config.socketRate, now));
    const userRate = this.users.get(share.sub)?.rate;
    // Quiet long enough to have the whole burst back: earlier refusals are forgiven.
    if (share.refusals > 0 && socketRate.full(now)) share.refusals = 0;
    const limited = !socketRate.take(now) ? socketRate : userRate && !userRate.take(now) ? userRate : null;
    if (!limited) return ACCEPT;
    share.refusals += 1;
    const error = new QuotaError(QuotaErrorCode.RateLimited, 'Too many frames: slow down (WS_SOCKET_MESSAGES_PER_SECOND, WS_USER_MESSAGES_PER_SECOND)', limited.waitMs());
    if (share.refusals <= this.config.closeAfterRefusals) return { kind: 'refuse', error };
    share.cutOff = true;
    return { kind: 'close', error };
  }
}
