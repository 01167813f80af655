import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AuthError, AuthErrorCode } from './auth.error';

export interface JwksTiming {
  /** The least time between two fetches, whatever triggers them: what bounds the load a flood of forged kids causes. */
  refreshIntervalMs: number;
  /** How long a fetched set is trusted before the next token refetches it (a key the provider dropped stops working). */
  maxAgeMs: number;
}

const FETCH_TIMEOUT_MS = 5000;

/**
 * The identity provider's signing keys, fetched as one set. An unknown kid refetches the whole set, but never
 * sooner than `refreshIntervalMs` after the last fetch, so random kids cannot exhaust anything a legitimate
 * new kid needs: the next refetch brings every key. A failed fetch keeps the last good set in use.
 */
export class JwksKeySet {
  private readonly logger = new Logger('Auth');
  private keys: Map<string, KeyObject> | null = null;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly uri: string,
    private readonly timing: JwksTiming,
  ) {}

  /** The key for `kid`; without a kid, the set's only key (as jwks-rsa did). */
  async key(kid: string | undefined): Promise<KeyObject> {
    const known = this.keys && this.find(this.keys, kid);
    if (known) {
      // A stale set still answers at once; the refetch replaces it in the background.
      if (this.stale()) void this.refresh();
      return known;
    }
    await this.refresh();
    if (!this.keys) {
      throw new AuthError(AuthErrorCode.KeysUnavailable, 'The signing keys could not be fetched from the identity provider');
    }
    const key = this.find(this.keys, kid);
    if (!key) throw new AuthError(AuthErrorCode.UnknownSigningKey, 'The token was signed by a key the identity provider does not list');
    return key;
  }

  private find(keys: Map<string, KeyObject>, kid: string | undefined): KeyObject | undefined {
    if (kid !== undefined) return keys.get(kid);
    return keys.size === 1 ? keys.values().next().value : undefined;
  }

  private stale(): boolean {
    return Date.now() - this.fetchedAt >= this.timing.maxAgeMs;
  }

  /** Fetches the set unless one was fetched (or tried) within the interval; concurrent callers share one fetch. */
  private refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastAttemptAt < this.timing.refreshIntervalMs) return Promise.resolve();
    this.lastAttemptAt = Date.now();
    this.refreshing = this.fetchKeys().then(
      (keys) => {
        this.keys = keys;
        this.fetchedAt = Date.now();
      },
      (error: unknown) => {
        const fallback = this.keys ? 'keeping the last key set' : 'no key set yet';
        this.logger.warn(`Fetching ${this.uri} failed (${error instanceof Error ? error.message : String(error)}); ${fallback}`);
      },
    );
    void this.refreshing.finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async fetchKeys(): Promise<Map<string, KeyObject>> {
    const res = await fetch(this.uri, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('the answer is not a JSON Web Key Set');
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys as Array<JsonWebKey & { kid?: unknown; use?: unknown }>) {
      if (jwk.use === 'enc') continue;
      try {
        keys.set(typeof jwk.kid === 'string' ? jwk.kid : '', createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key type Node cannot import (or a private-only entry) cannot have signed anything we accept.
      }
    }
    return keys;
  }
}
