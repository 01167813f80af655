import type { RunEvent, StepType } from '../agent/run-events';

/**
 * The chat step-stream protocol (seed 001) in one place: what clients send, what the server sends, and
 * how run events become frames. `agent_step_delta` is our extension, sent only to `?stream=1` sockets.
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
export type ChatClientFrame = ClientMessageFrame | CancelFrame;

export type ChatServerFrame =
  | { type: 'agent_step'; step_type: StepType; message: string; message_id: string; chat_id: string }
  | { type: 'agent_step_delta'; delta: string; message_id: string; chat_id: string }
  | { type: 'message_end'; message_id: string; chat_id: string }
  | { type: 'agent_error'; error: string; chat_id: string; message_id?: string };

export const MAX_MESSAGE_CHARS = 20000;
export const MAX_MESSAGE_ID_CHARS = 128;

/** Validates a routed frame; returns the problem in words for an `agent_error`, or the typed frame. */
export function parseClientFrame(body: Record<string, unknown>): ChatClientFrame | string {
  const messageId = body.message_id;
  if (typeof messageId !== 'string' || messageId.trim() === '') return 'message_id must be a non-empty string';
  if (messageId.length > MAX_MESSAGE_ID_CHARS) return `message_id must be at most ${MAX_MESSAGE_ID_CHARS} characters`;
  if (body.type === 'cancel') return { type: 'cancel', message_id: messageId };
  const message = body.message;
  if (typeof message !== 'string' || message.trim() === '') return 'message must be a non-empty string';
  if (message.length > MAX_MESSAGE_CHARS) return `message must be at most ${MAX_MESSAGE_CHARS} characters`;
  return { type: 'client', message, message_id: messageId };
}

/** The frames one run event becomes for a socket; `streaming` sockets also get token deltas. */
export function framesFor(event: RunEvent, messageId: string, streaming: boolean): ChatServerFrame[] {
  const chat_id = event.chatId;
  switch (event.type) {
    case 'text.delta':
      return streaming ? [{ type: 'agent_step_delta', delta: event.delta, message_id: messageId, chat_id }] : [];
    case 'step.finished':
      return [{ type: 'agent_step', step_type: event.stepType, message: event.content, message_id: messageId, chat_id }];
    case 'run.finished':
      return [{ type: 'message_end', message_id: messageId, chat_id }];
    case 'run.failed':
      return [errorFrame(chat_id, event.error.message, messageId), { type: 'message_end', message_id: messageId, chat_id }];
    case 'run.cancelled':
      return [errorFrame(chat_id, event.reason, messageId), { type: 'message_end', message_id: messageId, chat_id }];
    case 'run.started':
    case 'step.started':
    case 'tool.call':
    case 'tool.result':
    case 'sources':
    case 'input.requested':
    case 'notify':
    case 'handoff':
      return [];
  }
}

/** A message kept for the human operator of a handed-off chat: the client learns why no steps come. */
export function heldFrames(chatId: string, messageId: string): ChatServerFrame[] {
  return [
    errorFrame(chatId, 'This chat is with a human operator; your message was passed on to them', messageId),
    { type: 'message_end', message_id: messageId, chat_id: chatId },
  ];
}

export function errorFrame(chatId: string, error: string, messageId?: string): ChatServerFrame {
  return messageId === undefined ? { type: 'agent_error', error, chat_id: chatId } : { type: 'agent_error', error, chat_id: chatId, message_id: messageId };
}
