import type { StepType } from '../agent/run-events';
import type { LogEvent } from '../history/chat-log';
import type { HistoryEntry } from '../history/history-entry.dto';

/**
 * The chat step-stream protocol (seed 001) in one place: what clients send, what the server sends, and
 * how logged events become frames. Every frame carries `seq`, the position in the chat's event log that
 * `?after=` resumes from; `agent_step_delta` is our extension, sent only to `?stream=1` sockets.
 * `{"type":"get_history"}` (no other field) is answered with `chat_history`, as the original server does.
 */
export interface ClientMessageFrame {
  type: 'client';
  message: string;
  message_id: string;
}
export interface CancelFrame {
  type: 'cancel';
  message_id: string;
}
/** Ours: the decision on a tool call waiting for approval (`approval_request`); a rejection says why, for the model. */
export type DecisionFrame = { approval_id: string; reason?: string } & ({ type: 'approve' } | { type: 'reject' });
export type ChatClientFrame = ClientMessageFrame | CancelFrame | DecisionFrame;

export type ChatServerFrame = { seq: number } & (
  | { type: 'agent_step'; step_type: StepType; message: string; message_id: string; chat_id: string }
  | { type: 'agent_step_delta'; delta: string; message_id: string; chat_id: string }
  | { type: 'message_end'; message_id: string; chat_id: string }
  | { type: 'agent_error'; error: string; chat_id: string; message_id?: string; code?: string }
  /** The history rows up to `seq`, the newest page of GET /history: the frames after it carry on from there. */
  | { type: 'chat_history'; chat_id: string; history: HistoryEntry[] }
  /** Ours: a tool call of the message's run waits for `approve` or `reject`; the run goes on once one is stored. */
  | { type: 'approval_request'; chat_id: string; message_id: string; approval_id: string; tool: string; args: unknown }
  | { type: 'approval_result'; chat_id: string; message_id: string; approval_id: string; approved: boolean; reason: string }
);

export const MAX_MESSAGE_CHARS = 20000;
export const MAX_MESSAGE_ID_CHARS = 128;
export const MAX_REASON_CHARS = 2000;

const HELD = 'This chat is with a human operator; your message was passed on to them';

/** Validates a routed frame; returns the problem in words for an `agent_error`, or the typed frame. */
export function parseClientFrame(body: Record<string, unknown>): ChatClientFrame | string {
  if (body.type === 'approve' || body.type === 'reject') return parseDecision(body.type, body);
  const messageId = body.message_id;
  if (typeof messageId !== 'string' || messageId.trim() === '') return 'message_id must be a non-empty string';
  if (messageId.length > MAX_MESSAGE_ID_CHARS) return `message_id must be at most ${MAX_MESSAGE_ID_CHARS} characters`;
  if (body.type === 'cancel') return { type: 'cancel', message_id: messageId };
  const message = body.message;
  if (typeof message !== 'string' || message.trim() === '') return 'message must be a non-empty string';
  if (message.length > MAX_MESSAGE_CHARS) return `message must be at most ${MAX_MESSAGE_CHARS} characters`;
  return { type: 'client', message, message_id: messageId };
}

function parseDecision(type: 'approve' | 'reject', body: Record<string, unknown>): DecisionFrame | string {
  const approvalId = body.approval_id;
  if (typeof approvalId !== 'string' || approvalId.trim() === '' || approvalId.length > MAX_MESSAGE_ID_CHARS) {
    return `approval_id must be a non-empty string of at most ${MAX_MESSAGE_ID_CHARS} characters`;
  }
  const reason = body.reason;
  if (reason === undefined && type === 'approve') return { type, approval_id: approvalId };
  // The model reads a rejection's reason in place of the call's result: it must say something.
  if (typeof reason !== 'string' || (type === 'reject' && reason.trim() === '') || reason.length > MAX_REASON_CHARS) {
    return `reason must be a ${type === 'reject' ? 'non-empty ' : ''}string of at most ${MAX_REASON_CHARS} characters`;
  }
  return { type, approval_id: approvalId, reason };
}

/** The frames one logged event becomes for a socket; `streaming` sockets also get token deltas. */
export function framesFor(event: LogEvent, streaming: boolean): ChatServerFrame[] {
  const base = { chat_id: event.chatId, seq: event.seq };
  switch (event.type) {
    case 'text.delta':
      return streaming ? [{ type: 'agent_step_delta', delta: event.payload.delta, message_id: event.payload.messageId, ...base }] : [];
    case 'step.finished':
      return [{ type: 'agent_step', step_type: event.payload.stepType, message: event.payload.content, message_id: event.payload.messageId, ...base }];
    case 'run.finished':
      return [{ type: 'message_end', message_id: event.payload.messageId, ...base }];
    case 'run.failed':
      return ending(event, event.payload.error.message);
    case 'run.cancelled':
      return ending(event, event.payload.reason);
    case 'turn.held':
      // The client learns why no steps come, and can unlock on message_end as always.
      return ending(event, HELD);
    case 'approval.requested': {
      const { approvalId, tool, args, messageId } = event.payload;
      return [{ type: 'approval_request', approval_id: approvalId, tool, args, message_id: messageId, ...base }];
    }
    case 'approval.decided': {
      const { approvalId, approved, reason, messageId } = event.payload;
      return [{ type: 'approval_result', approval_id: approvalId, approved, reason, message_id: messageId, ...base }];
    }
    case 'user.message':
    case 'run.started':
    case 'step.started':
    case 'tool.call':
    case 'tool.result':
    case 'sources':
    case 'input.requested':
    case 'input.received':
    case 'notify':
    case 'handoff':
    case 'operator.message':
    case 'status.changed':
    case 'session.started':
    case 'journal':
    case 'session.finished':
      return [];
  }
}

function ending(event: LogEvent & { payload: { messageId: string } }, error: string): ChatServerFrame[] {
  const messageId = event.payload.messageId;
  return [errorFrame(event.chatId, error, event.seq, messageId), { type: 'message_end', message_id: messageId, chat_id: event.chatId, seq: event.seq }];
}

/** An error frame; a refusal that is not in the log carries the seq the socket has reached. */
/** `code` (ours, beside the seed's text) lets a client tell a quota or an outage from a bad frame. */
export function errorFrame(chatId: string, error: string, seq: number, messageId?: string, code?: string): ChatServerFrame {
  const frame: ChatServerFrame & { type: 'agent_error' } =
    messageId === undefined ? { type: 'agent_error', error, chat_id: chatId, seq } : { type: 'agent_error', error, chat_id: chatId, message_id: messageId, seq };
  if (code !== undefined) frame.code = code;
  return frame;
}
