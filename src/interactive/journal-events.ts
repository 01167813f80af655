import { baseKind, type JournalRef } from '../agent/journal-ref';
import type { RunEventBody } from '../agent/run-events';
import type { JournalRecord, LogEvent } from '../history/chat-log';
import type { StepExtras } from './session-journal';

/** What a journaled action call or result holds: the run event's own fields. */
export interface CallRecord {
  callId: string;
  tool: string;
  args: unknown;
}

export interface ResultRecord {
  callId: string;
  tool: string;
  ok: boolean;
  output: unknown;
}

/**
 * The run event a journal step is logged as. Questions, answers, notifications and action calls carry what the
 * replay needs in their own fields; a model call's result (a choice, an `llm` call) rides in `journal.data` of the
 * step it finishes. `addMessage` steps are the history entries themselves (InteractiveRuntime).
 */
export function eventOf(record: JournalRecord, step: number, extras: StepExtras = {}): RunEventBody {
  const ref: JournalRef = { kind: record.kind, ordinal: record.ordinal };
  const requestId = `${record.executionId}:${record.ordinal}`;
  switch (baseKind(record.kind)) {
    case 'request':
      return { type: 'input.requested', step, requestId, payload: record.data, journal: ref, ...(extras.expiresAt === undefined ? {} : { expiresAt: extras.expiresAt }) };
    case 'answer':
      return { type: 'input.received', step, requestId, input: record.data, journal: ref };
    case 'notify':
      return { type: 'notify', step, payload: record.data, journal: ref };
    case 'call':
      return { type: 'tool.call', step, ...(record.data as CallRecord), journal: ref };
    case 'result':
      return { type: 'tool.result', step, ...(record.data as ResultRecord), journal: ref };
    default:
      return { type: 'step.finished', step, stepType: 'ActionStep', content: summary(record.data), journal: { ...ref, data: record.data } };
  }
}

/**
 * The journal step a logged event of execution `executionId` records, if any: the events above, the history
 * entries of `addMessage`, and the `journal` entries written before executions ran as runs.
 */
export function recordOf(event: LogEvent, executionId: string): (JournalRecord & { legacy?: true }) | null {
  if (event.type === 'journal') return event.payload.executionId === executionId ? { ...event.payload, legacy: true } : null;
  if (event.runId !== executionId || !('journal' in event.payload) || !event.payload.journal) return null;
  const { kind, ordinal, data } = event.payload.journal;
  const record = (value: unknown): JournalRecord => ({ executionId, kind, ordinal, data: value });
  switch (event.type) {
    case 'input.requested':
    case 'notify':
      return record(event.payload.payload);
    case 'input.received':
      return record(event.payload.input);
    case 'tool.call':
      return record({ callId: event.payload.callId, tool: event.payload.tool, args: event.payload.args });
    case 'tool.result':
      return record({ callId: event.payload.callId, tool: event.payload.tool, ok: event.payload.ok, output: event.payload.output });
    default:
      // A model step's result, or an `addMessage` (whose entry is the whole record).
      return record(data ?? null);
  }
}

/** A model step's result in words, for the history: the model's answer, or the actions it chose. */
function summary(data: unknown): string {
  const value = data as { kind?: string; text?: unknown; calls?: Array<{ name: string }>; error?: { message: string }; object?: unknown } | null;
  if (value?.kind === 'actions' && value.calls) return `Chose ${value.calls.map((call) => call.name).join(', ')}`;
  if (value?.kind === 'error' && value.error) return `Failed: ${value.error.message}`;
  if (typeof value?.text === 'string') return value.text;
  return JSON.stringify(value?.object ?? data ?? null);
}
