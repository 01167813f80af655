/** How long before a token's `exp` the client sends the next one, at most (the server closes at `exp` + tolerance). */
const RENEW_LEAD_MS = 30_000;

/** The `exp` of a JWT in epoch ms, or null when the token is not a JWT the client can read. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * A socket lives as long as its token: shortly before `exp` the client asks its token source for a fresh one
 * and sends it on the open socket as `{"type":"auth","token"}`, so a long session never hits the 1008 close.
 * A source that keeps returning the same token cannot extend anything: the server then closes at expiry.
 */
export class TokenRenewal {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly source: () => Promise<string>,
    private readonly send: (frame: { type: 'auth'; token: string }) => void,
  ) {}

  /** Arms the renewal for the token the socket opened (or was last renewed) with. */
  schedule(token: string): void {
    this.stop();
    const expiry = tokenExpiry(token);
    if (expiry === null) return;
    const remaining = expiry - Date.now();
    const delay = Math.max(0, remaining - Math.min(RENEW_LEAD_MS, remaining / 2));
    // setTimeout's limit is about 24.8 days; a longer token is renewed at the next open instead.
    if (delay > 2 ** 31 - 1) return;
    this.timer = setTimeout(() => void this.renew(token), delay);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async renew(current: string): Promise<void> {
    this.timer = null;
    const next = await this.source().catch(() => current);
    if (next === current) return;
    this.send({ type: 'auth', token: next });
    this.schedule(next);
  }
}
