import type { RunEvent } from '../agent/run-events';
import type { ChatLogEntry, NewLogEvent, RunEventEntry } from '../history/chat-log';

/** The log entry of a run event: its body without the envelope, and the message the run answers. */
export function runEventEntry(event: RunEvent, messageId: string): NewLogEvent {
  // The per-token case, spelled out: a rest-and-spread copy costs more than the rest of a token's way to the log.
  if (event.type === 'text.delta') {
    return { type: 'text.delta', runId: event.runId, payload: { step: event.step, index: event.index, delta: event.delta, messageId } };
  }
  const { chatId: _chatId, runId, seq: _seq, at: _at, type, ...body } = event;
  return { type, runId, payload: { ...body, messageId } } as RunEventEntry & { runId: string };
}

export function logEntry(runId: string | null, entry: ChatLogEntry): NewLogEvent {
  return { ...entry, runId };
}
