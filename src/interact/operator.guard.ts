import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import type { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** After JwtAuthGuard: only callers whose token carries OPERATOR_ROLE reach the operator routes. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    const role = this.config.interact.operatorRole;
    if (user?.roles.includes(role)) return true;
    throw new AuthError(AuthErrorCode.MissingRole, `Only users with the ${role} role may do this`);
  }
}
