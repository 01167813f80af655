import { ClientErrorCode, GatewayError } from './gateway-error';

/** The part of the WebSocket API the client uses: browsers' global WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

/** `options` is the `ws` package's third argument; a browser's constructor ignores it. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocketLike;

/**
 * How the token travels on the upgrade. Browsers cannot set headers, so they offer it as the second
 * `Sec-WebSocket-Protocol` value after `bearer` (or, for a token that is not a valid protocol name, in the query).
 */
export type TokenCarrier = 'header' | 'subprotocol' | 'query';

export const OPEN = 1;

/** What `ws` (an EventEmitter) tells about a refused upgrade; browsers hide the status from scripts. */
interface RefusalEmitter {
  once(event: 'unexpected-response', listener: (request: { destroy(): void }, response: RefusedResponse) => void): void;
  terminate?(): void;
}
interface RefusedResponse {
  statusCode?: number;
  on(event: 'data', listener: (chunk: { toString(): string }) => void): void;
  on(event: 'end', listener: () => void): void;
}

// RFC 7230 token characters: what a Sec-WebSocket-Protocol value may contain (JWTs do).
const PROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `ws` is an EventEmitter and takes headers; the standard WebSocket is neither. */
export function defaultCarrier(WebSocket: WebSocketConstructor, token: string): TokenCarrier {
  if (typeof (WebSocket.prototype as Partial<RefusalEmitter>).once === 'function') return 'header';
  return PROTOCOL_TOKEN.test(token) ? 'subprotocol' : 'query';
}

/**
 * Opens a socket with the token on the chosen carrier. `onRefused` gets the HTTP answer when the upgrade is
 * refused and the WebSocket implementation can read it (`ws`); the socket then closes with 1006 as usual.
 */
export function openSocket(
  WebSocket: WebSocketConstructor,
  url: string,
  token: string,
  carrier: TokenCarrier,
  onRefused: (error: GatewayError) => void,
): WebSocketLike {
  let socket: WebSocketLike;
  if (carrier === 'header') socket = new WebSocket(url, undefined, { headers: { Authorization: `Bearer ${token}` } });
  else if (carrier === 'subprotocol') socket = new WebSocket(url, ['bearer', token]);
  else socket = new WebSocket(withQuery(url, { access_token: token }));
  const emitter = socket as unknown as Partial<RefusalEmitter>;
  if (typeof emitter.once === 'function') {
    emitter.once('unexpected-response', (request, response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk.toString()));
      response.on('end', () => {
        onRefused(GatewayError.fromBody(response.statusCode ?? 0, text));
        // terminate() aborts the pending request too, and ends with the usual error and 1006 close events.
        if (emitter.terminate) emitter.terminate();
        else request.destroy();
      });
    });
  }
  return socket;
}

export function withQuery(url: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null) parsed.searchParams.set(name, String(value));
  return parsed.toString();
}

/** http(s)://host/prefix → ws(s)://host/prefix, for the WebSocket side of the same server. */
export function webSocketBase(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString().replace(/\/$/, '');
}

export function networkError(message: string, closeCode?: number): GatewayError {
  return new GatewayError(0, ClientErrorCode.Network, message, { closeCode });
}
