import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { resolveSigningSecret } from '../auth/signing-secret';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DEV_TOKEN_TTL_S, type DevTokenResponse } from './dev-token.dto';

export const DEV_TOKENS_DISABLED = 'dev.tokens_disabled';

/**
 * Tokens for anyone who asks, so only where anyone may have them anyway: a development server signing with
 * the key it generated itself (no JWT_SECRET, no JWKS_URI, not production), as `npm run token` does.
 */
@Injectable()
export class DevTokens {
  private secret: string | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    const { auth, env } = this.config;
    return env !== 'production' && auth.mode === 'secret' && auth.secret === undefined;
  }

  issue(sub: string, roles: string[]): DevTokenResponse {
    if (!this.enabled) {
      throw new NotFoundException({
        code: DEV_TOKENS_DISABLED,
        message: 'Development tokens are only issued by a development server that signs with its generated key',
      });
    }
    const { auth } = this.config;
    this.secret ??= resolveSigningSecret(this.config)!.secret;
    const expiresAt = Math.floor(Date.now() / 1000) + DEV_TOKEN_TTL_S;
    const token = jwt.sign({ [auth.rolesClaim]: roles, exp: expiresAt }, this.secret, {
      algorithm: 'HS256',
      subject: sub,
      ...(auth.issuer ? { issuer: auth.issuer } : {}),
      ...(auth.audience ? { audience: auth.audience } : {}),
    });
    return { token, sub, roles, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }
}
