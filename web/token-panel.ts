import type { GatewayClient } from '../client/src/index';
import type { DevTokenResponse, ErrorResponse } from '../client/src/generated/rest';
import { byId, describeError } from './dom';

const STORAGE_KEY = 'agent-gateway.playground.token';

/** The token the page uses: from the development endpoint or pasted; kept for this tab only (sessionStorage). */
export class TokenPanel {
  private token = sessionStorage.getItem(STORAGE_KEY) ?? '';
  private readonly who = byId<HTMLParagraphElement>('who');

  constructor(private readonly onChange: () => void) {
    byId<HTMLFormElement>('dev-token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.fetchDevToken();
    });
    byId<HTMLFormElement>('paste-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>('paste-token');
      const pasted = input.value.trim().replace(/^Bearer\s+/i, '');
      if (pasted === '') return;
      input.value = '';
      this.use(pasted);
    });
  }

  get current(): string {
    return this.token;
  }

  /** Shows who the server says the token is; false when it refuses it. */
  async describe(gateway: GatewayClient): Promise<boolean> {
    if (this.token === '') {
      this.who.textContent = 'No token yet: get one or paste one.';
      return false;
    }
    try {
      const me = await gateway.me();
      this.who.textContent = `Signed in as ${me.sub}${me.roles.length > 0 ? ` (roles: ${me.roles.join(', ')})` : ''}.`;
      return true;
    } catch (error) {
      this.who.textContent = `The server refuses this token: ${describeError(error)}`;
      return false;
    }
  }

  private use(token: string): void {
    this.token = token;
    sessionStorage.setItem(STORAGE_KEY, token);
    this.onChange();
  }

  private async fetchDevToken(): Promise<void> {
    const sub = byId<HTMLInputElement>('dev-sub').value.trim();
    const roles = byId<HTMLInputElement>('dev-roles').value.split(/[\s,]+/).filter(Boolean);
    if (sub === '') return;
    const response = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sub, roles }),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) {
      this.who.textContent = `No answer from the server: ${response.message}`;
      return;
    }
    const body = (await response.json()) as DevTokenResponse | ErrorResponse;
    if ('token' in body) this.use(body.token);
    else this.who.textContent = `${body.message} (${body.code}). Paste a token instead.`;
  }
}
