import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import type { JwtPayload } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from './auth-user';
import { bearerFromHeaders } from './bearer-token';
import { TokenVerifier } from './token-verifier';

/** REST authentication: passport-jwt driven by the shared TokenVerifier's keys, options and claim rules. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(TokenVerifier) private readonly verifier: TokenVerifier) {
    super({
      jwtFromRequest: (req: Request) => bearerFromHeaders(req.headers),
      secretOrKeyProvider: (_req: Request, rawJwt: string, done: (err: unknown, key?: Buffer) => void) => {
        // passport-jwt hands the key to jsonwebtoken as it is; its types predate KeyObject, which spares a PEM parse per verify.
        verifier.keyFor(rawJwt).then((key: KeyObject) => done(null, key as unknown as Buffer), (error: unknown) => done(error));
      },
      jsonWebTokenOptions: verifier.verifyOptions,
      // passport-jwt copies these top-level options over jsonWebTokenOptions, undefined or not: repeat them.
      issuer: verifier.verifyOptions.issuer,
      audience: verifier.verifyOptions.audience,
      algorithms: verifier.verifyOptions.algorithms,
    });
  }

  validate(payload: JwtPayload): AuthUser {
    return this.verifier.toUser(payload);
  }
}
