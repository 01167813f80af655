import type { LogEvent } from '../history/chat-log';

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

export interface InteractiveOutput {
  frames: InteractiveFrame[];
  /** The execution this socket belongs to ended: close with 1000. */
  close: boolean;
}

/** `executionId`: the execution the socket is attached to; only its end closes the socket. */
export function framesFor(event: LogEvent, executionId: string): InteractiveOutput {
  if (event.type === 'journal' && (event.payload.kind === 'request' || event.payload.kind === 'notify')) {
    return { frames: [asFrame(event.payload.data, event.seq)], close: false };
  }
  if (event.type === 'session.finished' && event.payload.executionId === executionId) {
    const error = event.payload.error;
    return { frames: error ? [{ event: 'error', data: error, seq: event.seq }] : [], close: true };
  }
  return { frames: [], close: false };
}

export function errorFrame(code: InteractiveFrameErrorCode, message: string, seq: number): InteractiveFrame {
  return { event: 'error', data: { code, message }, seq };
}

function asFrame(data: unknown, seq: number): InteractiveFrame {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...(data as Record<string, unknown>), seq } : { data, seq };
}
