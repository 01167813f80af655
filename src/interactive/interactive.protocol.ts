import { baseKind, type LogEvent } from '../history/chat-log';
import type { QuotaErrorCode } from '../quota/quota.error';

/**
 * The interactive-actions protocol (seed 000) in one place: the frames a session's logged events become.
 * A question (`waitForInput`) and a notification are sent as the action gave them, plus `seq`, the
 * position in the session's log that `?after=` resumes from. Errors use the seed's `{event, data}` shape.
 */
export type InteractiveFrame = Record<string, unknown> & { seq: number };

export enum InteractiveFrameErrorCode {
  InvalidFrame = 'interactive.invalid_frame',
  NotWaiting = 'interactive.not_waiting',
  StartFailed = 'action.failed',
}

/** How the server closes an interactive socket (besides 1012 when it restarts). */
export enum InteractiveCloseCode {
  /** The execution finished. */
  Done = 1000,
  /** The execution failed or could not start; the error frame just before says why. */
  Failed = 1011,
  /**
   * A newer socket attached to the same session_id, on this instance or another: it has the session now.
   * A client should not reconnect on its own after this code: it would take the session back.
   */
  TakenOver = 4409,
}

export interface InteractiveClose {
  code: InteractiveCloseCode;
  reason: string;
}

export const CLOSE_DONE: InteractiveClose = { code: InteractiveCloseCode.Done, reason: 'done' };
export const CLOSE_FAILED: InteractiveClose = { code: InteractiveCloseCode.Failed, reason: 'failed' };
export const CLOSE_TAKEN_OVER: InteractiveClose = { code: InteractiveCloseCode.TakenOver, reason: 'session taken over by a newer connection' };

export interface InteractiveOutput {
  frames: InteractiveFrame[];
  /** The execution this socket belongs to ended: how to close it. */
  close: InteractiveClose | null;
}

/** `executionId`: the execution the socket is attached to; only its end closes the socket. */
export function framesFor(event: LogEvent, executionId: string): InteractiveOutput {
  if (event.type === 'journal' && (event.payload.kind === 'request' || baseKind(event.payload.kind) === 'notify')) {
    return { frames: [asFrame(event.payload.data, event.seq)], close: null };
  }
  if (event.type === 'session.finished' && event.payload.executionId === executionId) {
    const { error, outcome } = event.payload;
    return { frames: error ? [{ event: 'error', data: error, seq: event.seq }] : [], close: outcome === 'failed' ? CLOSE_FAILED : CLOSE_DONE };
  }
  return { frames: [], close: null };
}

export function errorFrame(code: InteractiveFrameErrorCode | QuotaErrorCode, message: string, seq: number): InteractiveFrame {
  return { event: 'error', data: { code, message }, seq };
}

function asFrame(data: unknown, seq: number): InteractiveFrame {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...(data as Record<string, unknown>), seq } : { data, seq };
}
