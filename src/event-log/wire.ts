import type { WireEvent } from '../coordination/coordination';
import type { LogEvent } from '../history/chat-log';
import type { StoredChatEvent } from '../history/history.repository';

/** The log's own rows are written only through ChatLogEntry-typed code, so a stored row is a LogEvent. */
export function asLogEvent(event: StoredChatEvent): LogEvent {
  return event as LogEvent;
}

export function toWire(event: StoredChatEvent): WireEvent {
  return { chatId: event.chatId, seq: event.seq, runId: event.runId, type: event.type, payload: event.payload, at: event.createdAt.getTime() };
}

export function fromWire(event: WireEvent): LogEvent {
  return asLogEvent({ chatId: event.chatId, seq: event.seq, runId: event.runId, type: event.type, payload: event.payload, createdAt: new Date(event.at) });
}
