import { MAX_JSON_DEPTH, nestedDeeperThan } from '../common/json-depth';

/** The event a frame is routed to when it is not a JSON object; gateways answer it in their own protocol. */
export const WS_INVALID_FRAME = 'ws:invalid-frame';
/** The event for a JSON object without a string `type` (the interact protocol's frames have none). */
export const WS_UNTYPED_FRAME = 'ws:untyped-frame';
/** A frame the quotas refused before parsing it; gateways answer it with their protocol's error frame. */
export const WS_REFUSED_FRAME = 'ws:refused-frame';
/** `{"type":"auth","token":…}`: a fresh token, taken by the adapter on every protocol before any gateway sees it. */
export const WS_AUTH_FRAME = 'auth';

export interface InvalidFrame {
  error: string;
}

/** The body of WS_REFUSED_FRAME: the quota's code and message, and when the client may try again. */
export interface RefusedFrame {
  code: string;
  message: string;
  retryAfterMs: number;
  /** The refused frame, parsed when it is a JSON object (so the answer can name its message), else null. */
  frame: Record<string, unknown> | null;
  /** The client went on regardless: after the refusal the gateway closes the socket with this. */
  close: { code: number; reason: string } | null;
}

type RawData = string | Buffer | ArrayBuffer | Buffer[];

/** Routes on the frame's `type` field; the handler receives the whole parsed object. */
export function parseFrame(data: RawData): { event: string; data: unknown } {
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return invalid('The frame is not valid JSON');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return invalid('The frame must be a JSON object');
  }
  if (nestedDeeperThan(message, MAX_JSON_DEPTH)) return invalid(`The frame nests deeper than ${MAX_JSON_DEPTH} levels`);
  const type = (message as { type?: unknown }).type;
  if (type === undefined) return { event: WS_UNTYPED_FRAME, data: message };
  if (typeof type !== 'string') return invalid('The frame\'s "type" must be a string');
  return { event: type, data: message };
}

/** The invalid-frame event for a frame no handler of the gateway takes. */
export function unroutable(event: string): { event: string; data: InvalidFrame } {
  return invalid(event === WS_UNTYPED_FRAME ? 'The frame needs a "type"' : `Unknown message type "${event}"`);
}

function invalid(error: string): { event: string; data: InvalidFrame } {
  return { event: WS_INVALID_FRAME, data: { error } };
}
