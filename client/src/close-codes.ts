import { ClientErrorCode, GatewayError } from './gateway-error';

/**
 * Close codes after which reconnecting cannot help: a protocol error, a policy violation, a frame too large
 * (1009: the same frame would be refused again). Everything else (1006 a cut, 1001, 1011, 1012 a restart,
 * 1013) is passing, and the connection resumes with `after`.
 */
export const FINAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010]);

/** How the server ends a connection on purpose: one interact turn complete, an interactive session done. */
export const NORMAL_CLOSE = 1000;
export const SERVICE_RESTART = 1012;
/** Interactive: the execution failed; the error frame just before says why. */
export const SESSION_FAILED = 1011;
/** Interactive: a newer socket took the session over; reconnecting would take it back. */
export const TAKEN_OVER = 4409;

/** The end of a connection by the server's close, or null when the close is passing and the client should resume. */
export function endedBy(close: { code: number; reason: string }): { error?: GatewayError } | null {
  if (close.code === NORMAL_CLOSE) return {};
  if (!FINAL_CLOSE_CODES.has(close.code)) return null;
  const message = `The server closed the connection with ${close.code}${close.reason ? ` (${close.reason})` : ''}`;
  return { error: new GatewayError(0, ClientErrorCode.Closed, message, { closeCode: close.code }) };
}
