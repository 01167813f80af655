import { AgentErrorCode } from '../agent/agent.error';
import type { RunFailure } from '../agent/run-events';
import { baseKind, type LogEvent } from '../history/chat-log';
import type { QuotaErrorCode } from '../quota/quota.error';

/**
 * The interactive-actions protocol (seed 000) in one place: the frames a session's logged events become.
 * A question (`waitForInput`) and a notification are sent as the action gave them, plus `seq`, the
 * position in the session's log that `?after=` resumes from. Errors use the seed's `{event, data}` shape.
 */
export type InteractiveFrame = Record<string, unknown> & { seq: number };

/** The codes of this protocol's `{event: 'error'}` frames (besides `model.*` from the provider, and quotas'). */
export enum InteractiveErrorCode {
  InvalidFrame = 'interactive.invalid_frame',
  NotWaiting = 'interactive.not_waiting',
  /** The agent's code failed, or the session could not start. */
  ActionFailed = 'action.failed',
  /** A `waitForInput` with a timeout got no answer, and the action let that end the run. */
  InputTimeout = 'action.input_timeout',
  /** RUN_TIMEOUT_MS passed without the run reaching a question or its end. */
  RunTimeout = 'run.timeout',
  /** RUN_MAX_OUTPUT_CHARS or RUN_MAX_STEPS. */
  OutputTooLarge = 'run.output_too_large',
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

/**
 * `executionId`: the execution the socket is attached to; only its end closes the socket. Questions and notifications
 * are sent as the action gave them; every other event of the run (its steps, action calls, answers) is the log's.
 */
export function framesFor(event: LogEvent, executionId: string): InteractiveOutput {
  switch (event.type) {
    case 'input.requested':
    case 'notify':
      return { frames: [asFrame(event.payload.payload, event.seq)], close: null };
    case 'run.finished':
    case 'run.cancelled':
      return event.runId === executionId ? { frames: [], close: CLOSE_DONE } : NOTHING;
    case 'run.failed':
      return event.runId === executionId ? { frames: [failureFrame(event.payload.error, event.seq)], close: CLOSE_FAILED } : NOTHING;
    // Logged before executions ran as runs: a reconnect with `after` may replay them.
    case 'journal':
      return event.payload.kind === 'request' || baseKind(event.payload.kind) === 'notify' ? { frames: [asFrame(event.payload.data, event.seq)], close: null } : NOTHING;
    case 'session.finished': {
      if (event.payload.executionId !== executionId) return NOTHING;
      const { error, outcome } = event.payload;
      return { frames: error ? [{ event: 'error', data: error, seq: event.seq }] : [], close: outcome === 'failed' ? CLOSE_FAILED : CLOSE_DONE };
    }
    case 'user.message':
    case 'run.started':
    case 'step.started':
    case 'text.delta':
    case 'tool.call':
    case 'tool.result':
    case 'sources':
    case 'input.received':
    case 'handoff':
    case 'approval.requested':
    case 'approval.decided':
    case 'step.finished':
    case 'turn.held':
    case 'operator.message':
    case 'status.changed':
    case 'session.started':
      return NOTHING;
  }
}

export function errorFrame(code: InteractiveErrorCode | QuotaErrorCode, message: string, seq: number): InteractiveFrame {
  return codedFrame(code, message, seq);
}

/**
 * A failed run, as this protocol tells it: the engine's codes, with the agent's own failures named as actions'. A
 * code the engine does not own (a coded error of the log, or of a team's own code) is passed on as it is.
 */
function failureFrame(error: RunFailure, seq: number): InteractiveFrame {
  if (!isAgentErrorCode(error.code)) return codedFrame(error.code, error.message, seq);
  const code = wireCode(error.code);
  return codedFrame(code, code === InteractiveErrorCode.ActionFailed ? ACTION_FAILED : error.message, seq);
}

function codedFrame(code: string, message: string, seq: number): InteractiveFrame {
  return { event: 'error', data: { code, message }, seq };
}

/** `model.*` codes are kept: a client may retry some of them. */
function wireCode(code: AgentErrorCode): InteractiveErrorCode | AgentErrorCode {
  switch (code) {
    // The agent's code threw: its message (and stack) is for the server log only.
    case AgentErrorCode.Internal:
    case AgentErrorCode.UnknownAgent:
      return InteractiveErrorCode.ActionFailed;
    case AgentErrorCode.InputTimeout:
      return InteractiveErrorCode.InputTimeout;
    case AgentErrorCode.RunTimeout:
      return InteractiveErrorCode.RunTimeout;
    case AgentErrorCode.OutputTooLarge:
      return InteractiveErrorCode.OutputTooLarge;
    case AgentErrorCode.ProviderUnauthorized:
    case AgentErrorCode.ProviderRateLimited:
    case AgentErrorCode.ProviderUnavailable:
    case AgentErrorCode.ProviderRejected:
    case AgentErrorCode.ProviderTimeout:
    case AgentErrorCode.ProviderUnreachable:
    case AgentErrorCode.MalformedResponse:
      return code;
  }
}

const ACTION_FAILED = 'The interactive agent failed; the server log has the details';
const NOTHING: InteractiveOutput = { frames: [], close: null };
const AGENT_CODES = new Set<string>(Object.values(AgentErrorCode));

function isAgentErrorCode(code: string): code is AgentErrorCode {
  return AGENT_CODES.has(code);
}

function asFrame(data: unknown, seq: number): InteractiveFrame {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...(data as Record<string, unknown>), seq } : { data, seq };
}
