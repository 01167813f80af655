import type { RunEvent } from '../agent/run-events';
import type { LogEvent } from '../history/chat-log';
import { chunksOf } from '../common/chunks';
import type { TurnProps } from './platform-turns';

/**
 * The interact protocol (seed 002) as its platform speaks it: the events the server sends, and how logged
 * events become events. `turn_end` and `error` are ours: the seed names no end of turn. The interactObject
 * clients send is in interact-object.ts, the platform's conversation shape in platform-turns.ts.
 */
export type TurnStatus = 'complete' | 'handoff' | 'failed' | 'cancelled' | 'awaiting_operator';

export interface InteractMetadata {
  /** Titles of the knowledge-base passages the answer used. */
  sources?: string[];
  /** At the end of a turn: what its model calls cost, which model answered, and the conversation so far. */
  inputTokens?: number;
  outputTokens?: number;
  llmUsed?: string;
  turns?: TurnProps[];
}

export type InteractAction =
  | { type: 'request_handoff' }
  | { type: 'tool_call'; toolMetadata: { toolName: string; input: unknown; output: unknown } }
  /** Ours: a tool call waits for the user's decision (an interactObject with `approval`); the turn goes on after it. */
  | { type: 'approval_request'; approvalId: string; tool: string; args: unknown }
  | { type: 'approval_result'; approvalId: string; approved: boolean; reason: string };

/** Every event carries `seq`: its position in the conversation's log, which `?after=` resumes from. */
export type InteractEvent = { convoId?: string; seq: number } & (
  | { type: 'sync_chat_history'; turns: TurnProps[] }
  | { type: 'chunk'; chunk: string; chunkIndex: number; ui_engine: false }
  | { type: 'metadata'; metadata: InteractMetadata }
  | { type: 'debug'; debug: RunEvent }
  | { type: 'action'; action: InteractAction }
  | { type: 'turn_end'; status: TurnStatus; role: 'assistant' | 'operator' }
  | { type: 'error'; error: { code: string; message: string } }
);

/**
 * Marks the metadata event that ends a turn: whoever sends it fills in `turns` first (a read of the log).
 * A symbol, so it never reaches the wire.
 */
export const TURN_END_METADATA = Symbol('turn end metadata');
export type EndMetadataEvent = Extract<InteractEvent, { type: 'metadata' }> & { [TURN_END_METADATA]: true };

export function isEndMetadata(event: InteractEvent): event is EndMetadataEvent {
  return TURN_END_METADATA in event;
}

/**
 * Per-run state the mapping needs: chunks are numbered per turn, plans are not shown, handoffs end the
 * turn so. Fed the run's earlier events through `eventsFor` (output ignored) when a replay starts mid-run.
 */
export class TurnTranslation {
  private nextChunk = 0;
  private readonly planningSteps = new Set<number>();
  private readonly calls = new Map<string, unknown>();
  private readonly sources: string[] = [];
  private handedOff = false;

  constructor(
    private readonly convoId: string,
    private readonly debug: boolean,
  ) {}

  eventsFor(event: LogEvent): InteractEvent[] {
    const events: InteractEvent[] = [];
    const base = { convoId: this.convoId, seq: event.seq };
    if (this.debug && event.type !== 'text.delta') {
      const run = asRunEvent(event);
      if (run) events.push({ type: 'debug', debug: run, ...base });
    }
    switch (event.type) {
      case 'step.started':
        if (event.payload.planning) this.planningSteps.add(event.payload.step);
        break;
      case 'text.delta':
        if (!this.planningSteps.has(event.payload.step)) events.push(this.chunk(event.payload.delta, event.seq));
        break;
      case 'tool.call':
        this.calls.set(event.payload.callId, event.payload.args);
        break;
      case 'tool.result': {
        const toolMetadata = { toolName: event.payload.tool, input: this.calls.get(event.payload.callId) ?? null, output: event.payload.output };
        events.push({ type: 'action', action: { type: 'tool_call', toolMetadata }, ...base });
        break;
      }
      case 'sources': {
        const titles = event.payload.sources.map((source) => source.title);
        this.sources.push(...titles);
        events.push({ type: 'metadata', metadata: { sources: titles }, ...base });
        break;
      }
      case 'approval.requested': {
        const { approvalId, tool, args } = event.payload;
        events.push({ type: 'action', action: { type: 'approval_request', approvalId, tool, args }, ...base });
        break;
      }
      case 'approval.decided': {
        const { approvalId, approved, reason } = event.payload;
        events.push({ type: 'action', action: { type: 'approval_result', approvalId, approved, reason }, ...base });
        break;
      }
      case 'handoff':
        this.handedOff = true;
        events.push({ type: 'action', action: { type: 'request_handoff' }, ...base });
        break;
      case 'run.finished':
        events.push(...this.end(event, this.handedOff ? 'handoff' : 'complete'));
        break;
      case 'run.failed':
        events.push({ type: 'error', error: event.payload.error, ...base }, ...this.end(event, 'failed'));
        break;
      case 'run.cancelled':
        events.push(...this.end(event, 'cancelled'));
        break;
      case 'turn.held':
        events.push(...this.end(event, 'awaiting_operator'));
        break;
      case 'operator.message':
        // An operator's reply, streamed as a turn of its own.
        events.push(...chunksOf(event.payload.content).map((chunk) => this.chunk(chunk, event.seq)), ...this.end(event, 'complete', 'operator'));
        break;
      default:
        break;
    }
    return events;
  }

  private chunk(chunk: string, seq: number): InteractEvent {
    // Our answers are Markdown text to append, never the platform's UI-engine snapshots.
    return { type: 'chunk', chunk, chunkIndex: this.nextChunk++, ui_engine: false, convoId: this.convoId, seq };
  }

  /** The metadata that closes every turn (usage, sources; `turns` filled in by the sender), then `turn_end`. */
  private end(event: LogEvent, status: TurnStatus, role: 'assistant' | 'operator' = 'assistant'): InteractEvent[] {
    const base = { convoId: this.convoId, seq: event.seq };
    const usage = 'usage' in event.payload ? event.payload.usage : undefined;
    const metadata: InteractMetadata = {
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      ...(usage ? { llmUsed: usage.model } : {}),
      ...(this.sources.length > 0 ? { sources: [...new Set(this.sources)] } : {}),
    };
    const closing: EndMetadataEvent = { type: 'metadata', metadata, ...base, [TURN_END_METADATA]: true };
    return [closing, { type: 'turn_end', status, role, ...base }];
  }
}

/** The engine's view of a logged run event, for debug clients. */
function asRunEvent(event: LogEvent): RunEvent | null {
  if (!RUN_EVENT_TYPES.has(event.type) || event.runId === null) return null;
  const { messageId: _messageId, ...body } = event.payload as { messageId: string };
  return { ...body, type: event.type, chatId: event.chatId, runId: event.runId, seq: event.seq, at: event.createdAt.toISOString() } as RunEvent;
}

const RUN_EVENT_TYPES = new Set<string>([
  'run.started', 'step.started', 'text.delta', 'tool.call', 'tool.result', 'sources', 'input.requested', 'notify', 'handoff', 'step.finished',
  'approval.requested', 'approval.decided',
  'run.finished', 'run.failed', 'run.cancelled',
] satisfies Array<RunEvent['type']>);

/** An error that is not in the log carries the seq the connection has reached. */
export function errorEvent(code: string, message: string, seq: number, convoId?: string): InteractEvent {
  return convoId === undefined ? { type: 'error', error: { code, message }, seq } : { type: 'error', error: { code, message }, convoId, seq };
}
