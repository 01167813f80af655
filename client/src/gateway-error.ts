import type { ErrorResponse } from './generated/rest';

/** Codes the client itself uses when the server gave none (no HTTP answer, or a WebSocket close). */
export const ClientErrorCode = {
  /** The request or the connection failed before any answer: network down, server unreachable. */
  Network: 'client.network',
  /** The server answered something that is not the documented JSON. */
  BadResponse: 'client.bad_response',
  /** Reconnecting gave up after `maxAttempts` attempts in a row. */
  ReconnectFailed: 'client.reconnect_failed',
  /** The server closed the socket with a code that forbids reconnecting (1008, 1009, …). */
  Closed: 'client.closed',
  /** Interactive: a newer socket took the session over (close 4409). */
  TakenOver: 'interactive.taken_over',
} as const;

/**
 * Every failure the client reports: an HTTP error (REST, or a refused WebSocket upgrade) with the server's
 * `code`, or a connection-level failure with one of `ClientErrorCode`. `status` is 0 when no HTTP answer came.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly details: string[];
  readonly requestId: string | undefined;
  /** The WebSocket close code, when a close ended the connection. */
  readonly closeCode: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    extra: { details?: string[]; requestId?: string; closeCode?: number } = {},
  ) {
    super(message);
    this.details = extra.details ?? [];
    this.requestId = extra.requestId;
    this.closeCode = extra.closeCode;
  }

  /** Builds the error from a non-2xx answer's status and body text. */
  static fromBody(status: number, text: string): GatewayError {
    const body = parseErrorBody(text);
    if (!body) return new GatewayError(status, ClientErrorCode.BadResponse, `The server answered ${status} without an error body: ${text.slice(0, 200)}`);
    return new GatewayError(status, body.code, body.message, { details: body.details, requestId: body.requestId });
  }
}

function parseErrorBody(text: string): ErrorResponse | null {
  try {
    const body = JSON.parse(text) as Partial<ErrorResponse> | null;
    return body && typeof body.code === 'string' && typeof body.message === 'string' ? (body as ErrorResponse) : null;
  } catch {
    return null;
  }
}
