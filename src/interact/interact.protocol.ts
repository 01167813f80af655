import type { RunEvent } from '../agent/run-events';
import type { LogEvent } from '../history/chat-log';
import { chunksOf } from '../common/chunks';
import { CHAT_ID_PATTERN } from '../chat/chat.error';

/**
 * The interact protocol (seed 002) in one place: the interactObject clients send, the events the server
 * sends, and how run events become events. `turn_end` and `error` are ours: the seed names no end of turn.
 */
export const ORIGINS = ['web-chat', 'discord', 'messenger', 'instagram', 'gb-chat'] as const;

export interface LightConvoData {
  userName?: string;
  userEmail?: string;
  userPhone?: string;
  origin?: (typeof ORIGINS)[number];
}

export interface InteractObject {
  agentId: string;
  convoId: string;
  bucket: string;
  prompt: string;
  agentData?: { ownerID?: string; userID?: string };
  lightConvoData?: LightConvoData;
}

/** One turn of a conversation as a widget shows it. */
export interface TurnProps {
  role: 'user' | 'assistant' | 'operator';
  content: string;
  /** ISO 8601 UTC. */
  timestamp: string;
}

export type TurnStatus = 'complete' | 'handoff' | 'failed' | 'cancelled' | 'awaiting_operator';

/** Every event carries `seq`: its position in the conversation's log, which `?after=` resumes from. */
export type InteractEvent = { convoId?: string; seq: number } & (
  | { type: 'sync_chat_history'; turns: TurnProps[] }
  | { type: 'chunk'; chunk: string; chunkIndex: number }
  | { type: 'metadata'; metadata: { sources: string[] } }
  | { type: 'debug'; debug: RunEvent }
  | { type: 'action'; action: { type: 'request_handoff' } }
  | { type: 'turn_end'; status: TurnStatus; role: 'assistant' | 'operator' }
  | { type: 'error'; error: { code: string; message: string } }
);

const MAX_PROMPT = 20000;
const MAX_FIELD = 256;

/** Validates an interactObject; returns the problem in words, or the typed object. */
export function parseInteractObject(body: Record<string, unknown>): InteractObject | string {
  for (const field of ['agentId', 'convoId', 'bucket', 'prompt'] as const) {
    if (typeof body[field] !== 'string' || (body[field]).trim() === '') return `${field} must be a non-empty string`;
  }
  const { agentId, convoId, bucket, prompt } = body as Record<'agentId' | 'convoId' | 'bucket' | 'prompt', string>;
  if (agentId.length > MAX_FIELD || bucket.length > MAX_FIELD) return `agentId and bucket must be at most ${MAX_FIELD} characters`;
  if (!CHAT_ID_PATTERN.test(convoId)) return 'convoId must be 1–128 characters of letters, digits, _ . : or -';
  if (prompt.length > MAX_PROMPT) return `prompt must be at most ${MAX_PROMPT} characters`;
  const agentData = stringRecord(body.agentData, ['ownerID', 'userID'], 'agentData');
  if (typeof agentData === 'string') return agentData;
  const light = stringRecord(body.lightConvoData, ['userName', 'userEmail', 'userPhone', 'origin'], 'lightConvoData');
  if (typeof light === 'string') return light;
  if (light?.origin !== undefined && !(ORIGINS as readonly string[]).includes(light.origin)) {
    return `lightConvoData.origin must be one of: ${ORIGINS.join(', ')}`;
  }
  return { agentId, convoId, bucket, prompt, agentData, lightConvoData: light as LightConvoData | undefined };
}

function stringRecord(value: unknown, keys: string[], name: string): Record<string, string> | undefined | string {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return `${name} must be an object`;
  const record: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!keys.includes(key)) return `${name}.${key} is not a known field (${keys.join(', ')})`;
    if (typeof field !== 'string' || field.length > MAX_FIELD) return `${name}.${key} must be a string of at most ${MAX_FIELD} characters`;
    record[key] = field;
  }
  return record;
}

/**
 * Per-run state the mapping needs: chunks are numbered per turn, plans are not shown, handoffs end the
 * turn so. Fed the run's earlier events through `eventsFor` (output ignored) when a replay starts mid-run.
 */
export class TurnTranslation {
  private nextChunk = 0;
  private readonly planningSteps = new Set<number>();
  private handedOff = false;

  constructor(
    private readonly convoId: string,
    private readonly debug: boolean,
  ) {}

  eventsFor(event: LogEvent): InteractEvent[] {
    const events: InteractEvent[] = [];
    const base = { convoId: this.convoId, seq: event.seq };
    const run = asRunEvent(event);
    if (this.debug && run && run.type !== 'text.delta') events.push({ type: 'debug', debug: run, ...base });
    switch (event.type) {
      case 'step.started':
        if (event.payload.planning) this.planningSteps.add(event.payload.step);
        break;
      case 'text.delta':
        if (!this.planningSteps.has(event.payload.step)) events.push(this.chunk(event.payload.delta, event.seq));
        break;
      case 'sources':
        events.push({ type: 'metadata', metadata: { sources: event.payload.sources.map((source) => source.title) }, ...base });
        break;
      case 'handoff':
        this.handedOff = true;
        events.push({ type: 'action', action: { type: 'request_handoff' }, ...base });
        break;
      case 'run.finished':
        events.push(this.end(event.seq, this.handedOff ? 'handoff' : 'complete'));
        break;
      case 'run.failed':
        events.push({ type: 'error', error: event.payload.error, ...base }, this.end(event.seq, 'failed'));
        break;
      case 'run.cancelled':
        events.push(this.end(event.seq, 'cancelled'));
        break;
      case 'turn.held':
        events.push(this.end(event.seq, 'awaiting_operator'));
        break;
      case 'operator.message':
        // An operator's reply, streamed as a turn of its own.
        events.push(...chunksOf(event.payload.content).map((chunk) => this.chunk(chunk, event.seq)), this.end(event.seq, 'complete', 'operator'));
        break;
      default:
        break;
    }
    return events;
  }

  private chunk(chunk: string, seq: number): InteractEvent {
    return { type: 'chunk', chunk, chunkIndex: this.nextChunk++, convoId: this.convoId, seq };
  }

  private end(seq: number, status: TurnStatus, role: 'assistant' | 'operator' = 'assistant'): InteractEvent {
    return { type: 'turn_end', status, role, convoId: this.convoId, seq };
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
  'run.finished', 'run.failed', 'run.cancelled',
] satisfies Array<RunEvent['type']>);

/** An error that is not in the log carries the seq the connection has reached. */
export function errorEvent(code: string, message: string, seq: number, convoId?: string): InteractEvent {
  return convoId === undefined ? { type: 'error', error: { code, message }, seq } : { type: 'error', error: { code, message }, convoId, seq };
}
