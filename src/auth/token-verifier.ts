import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type Algorithm, type JwtPayload, type VerifyOptions } from 'jsonwebtoken';
import type { AuthConfig } from '../config/app-config';
import { AuthError, AuthErrorCode } from './auth.error';
import type { AuthUser } from './auth-user';
import { userFromClaims } from './claims';
import { JwksKeySet } from './jwks-key-set';

type KeyLookup = (kid: string | undefined) => Promise<KeyObject>;

/**
 * How long a verified token is taken on trust when it comes again (a reconnecting socket, a REST client's next
 * call): a signature check is most of an upgrade's or a small request's CPU. Bounded so that a key the identity
 * provider withdraws stops being honoured within this long; never past the token's own expiry.
 */
const TRUSTED_FOR_MS = 60_000;
const TRUSTED_TOKENS = 10_000;

/** A token that passed every check: whom it names, and until when (epoch ms) it is still accepted. */
export interface VerifiedToken {
  user: AuthUser;
  /** Its `exp` plus the clock tolerance: the moment a connection it opened must end, unless renewed. */
  acceptedUntil: number;
}

/**
 * The one place a token is judged. REST (through passport-jwt) and every WebSocket upgrade use its key
 * lookup, options, claim rules and error classification, so both transports accept exactly the same tokens.
 */
export class TokenVerifier {
  readonly verifyOptions: VerifyOptions & { algorithms: Algorithm[]; issuer?: string; audience?: string };
  /** Tokens that passed lately, until when they are taken on trust (oldest first, for eviction). */
  private readonly trusted = new Map<string, { verified: VerifiedToken; until: number }>();

  private constructor(
    private readonly lookupKey: KeyLookup,
    algorithms: Algorithm[],
    private readonly auth: AuthConfig,
  ) {
    this.verifyOptions = {
      // Pinned per mode: HS256 only with a shared secret, asymmetric ones only with JWKS, never "none".
      algorithms,
      issuer: auth.issuer,
      audience: auth.audience,
      clockTolerance: auth.clockToleranceS,
    };
  }

  static forConfig(auth: AuthConfig, secret: string | null): TokenVerifier {
    if (auth.mode === 'jwks') {
      const keys = new JwksKeySet(auth.jwksUri, auth.jwks);
      return new TokenVerifier((kid) => keys.key(kid), auth.algorithms as Algorithm[], auth);
    }
    if (!secret) throw new Error('TokenVerifier needs the signing secret in secret mode');
    // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public key on every verify.
    const key = Promise.resolve(createSecretKey(Buffer.from(secret, 'utf8')));
    return new TokenVerifier(() => key, ['HS256'], auth);
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = Date.now();
    const known = this.trusted.get(token);
    if (known && known.until > now) return known.verified;
    if (known) this.trusted.delete(token);
    let verified: VerifiedToken;
    try {
      const key = await this.keyFor(token);
      const payload = jwt.verify(token, key, this.verifyOptions) as JwtPayload;
      const user = this.toUser(payload);
      // toUser has checked that exp is a number.
      verified = { user, acceptedUntil: (payload.exp! + this.auth.clockToleranceS) * 1000 };
    } catch (error) {
      throw this.classify(error);
    }
    if (this.trusted.size >= TRUSTED_TOKENS) this.trusted.delete(this.trusted.keys().next().value!);
    this.trusted.set(token, { verified, until: Math.min(verified.acceptedUntil, now + TRUSTED_FOR_MS) });
    return verified;
  }

  /** Checks the header before any key is fetched, so a forged alg never reaches a key lookup. */
  async keyFor(token: string): Promise<KeyObject> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') {
      throw new AuthError(AuthErrorCode.InvalidToken, 'The token is not a well-formed JWT');
    }
    const alg = decoded.header.alg as Algorithm;
    if (!this.verifyOptions.algorithms.includes(alg)) {
      throw new AuthError(
        AuthErrorCode.DisallowedAlgorithm,
        `Tokens signed with ${alg} are not accepted; expected ${this.verifyOptions.algorithms.join(' or ')}`,
      );
    }
    const { kid } = decoded.header as { kid?: unknown };
    // A kid that is not a string cannot name a listed key; it still counts as unknown, not as "no kid".
    return this.lookupKey(kid === undefined || typeof kid === 'string' ? kid : JSON.stringify(kid));
  }

  toUser(payload: JwtPayload): AuthUser {
    return userFromClaims(payload, this.auth.rolesClaim);
  }

  classify(error: unknown): AuthError {
    if (error instanceof AuthError) return error;
    if (error instanceof jwt.TokenExpiredError) {
      return new AuthError(AuthErrorCode.TokenExpired, `The token expired at ${error.expiredAt.toISOString()}`);
    }
    if (error instanceof jwt.NotBeforeError) {
      return new AuthError(AuthErrorCode.InvalidToken, 'The token is not valid yet (nbf)');
    }
    if (error instanceof jwt.JsonWebTokenError) {
      if (error.message.startsWith('jwt issuer invalid')) {
        return new AuthError(AuthErrorCode.WrongIssuer, `The token's issuer is not ${this.auth.issuer}`);
      }
      if (error.message.startsWith('jwt audience invalid')) {
        return new AuthError(AuthErrorCode.WrongAudience, `The token's audience does not include ${this.auth.audience}`);
      }
      if (error.message === 'invalid algorithm') {
        return new AuthError(AuthErrorCode.DisallowedAlgorithm, 'The token is signed with an algorithm that is not accepted');
      }
      return new AuthError(AuthErrorCode.InvalidToken, 'The token signature or format is invalid');
    }
    // Anything else is the key source failing (the identity provider unreachable or answering garbage).
    return new AuthError(AuthErrorCode.KeysUnavailable, 'The signing keys could not be fetched from the identity provider');
  }
}
