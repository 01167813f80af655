import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { bearerFromHeaders } from '../auth/bearer-token';
import { rememberVerified } from '../auth/verified-request';
import { TokenVerifier } from '../auth/token-verifier';
import { QuotaError, QuotaErrorCode } from './quota.error';

/**
 * REST_RATE_LIMIT per user, or per address for a request without a valid token. The token is verified here,
 * once: keying on an unverified `sub` would let anyone spend someone else's quota, and JwtAuthGuard reuses
 * the result instead of verifying again.
 */
@Injectable()
export class RestThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    super(options, storage, reflector);
  }

  private verifier!: TokenVerifier;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    // Looked up, not imported: importing AuthModule here would move it in the module graph, and with it the order
    // of the shutdown hooks the drain relies on.
    this.verifier = this.moduleRef.get(TokenVerifier, { strict: false });
  }

  /** WebSocket frames have their own quotas (SocketQuotas), judged before any guard. */
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.getType() !== 'http');
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const token = bearerFromHeaders(request.headers);
    if (token) {
      const verified = await this.verifier.verify(token).catch(() => null);
      if (verified) {
        rememberVerified(request, verified.user);
        return `user:${verified.user.sub}`;
      }
    }
    return `ip:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const message = `Too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s (REST_RATE_LIMIT, REST_RATE_WINDOW_MS)`;
    throw new QuotaError(QuotaErrorCode.RateLimited, message, detail.timeToBlockExpire * 1000);
  }
}
