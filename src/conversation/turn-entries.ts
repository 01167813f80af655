import type { RunEvent } from '../agent/run-events';
import type { ChatLogEntry, NewLogEvent, RunEventEntry } from '../history/chat-log';

/** The log entry of a run event: its body without the envelope, and the message the run answers. */
export function runEventEntry(event: RunEvent, messageId: string): NewLogEvent {
  const { chatId: _chatId, runId, seq: _seq, at: _at, type, ...body } = event;
  return { type, runId, payload: { ...body, messageId } } as RunEventEntry & { runId: string };
}

export function logEntry(runId: string | null, entry: ChatLogEntry): NewLogEvent {
  return { ...entry, runId };
}
