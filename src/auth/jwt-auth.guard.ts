import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthGuard } from '@nestjs/passport';
import { AuthError, AuthErrorCode } from './auth.error';
import type { AuthUser } from './auth-user';
import { TokenVerifier } from './token-verifier';
import { verifiedUserOf } from './verified-request';

const NO_TOKEN = 'No auth token';

/** Guards REST routes; every rejection becomes a coded AuthError so the error filter can answer it. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(@Inject(TokenVerifier) private readonly verifier: TokenVerifier) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const user = verifiedUserOf(request);
    if (!user) return super.canActivate(context) as Promise<boolean>;
    request.user = user;
    return true;
  }

  override handleRequest<TUser = AuthUser>(err: unknown, user: unknown, info: unknown): TUser {
    if (user && !err) return user as TUser;
    if (!err && info instanceof Error && info.message === NO_TOKEN) {
      throw new AuthError(AuthErrorCode.MissingToken, 'An Authorization: Bearer token is required');
    }
    throw this.verifier.classify(err ?? info);
  }
}
