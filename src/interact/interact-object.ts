import { CHAT_ID_PATTERN } from '../chat/chat.error';
import type { QueuedTurn } from '../coordination/coordination';
import { contextOf } from './platform-turns';

/**
 * The interactObject as the platform's clients send it: an open object of which we read the fields below
 * and ignore the rest. Known fields are type-checked; a wrong one is refused naming the field.
 */
export interface InteractObject {
  /** The agent that answers: `agentData.ID` when given (the platform's agent override), else `agentId`. */
  agentId: string;
  convoId: string;
  bucket: string;
  /** `message`: a prompt; `start`: the agent's greeting (no prompt stored); `cancel`: `@cancel:<reason>`. */
  kind: 'message' | 'start' | 'cancel';
  /** The prompt's text; the reason for `cancel`; empty for `start`. */
  prompt: string;
  /** `actionMetadata.mid`: the client's message id, which makes a repeat get the stored answer. */
  mid?: string;
  /** False with `disableRecordHistory: true`: the turn is answered and nothing is stored. */
  record: boolean;
  /** `turnsHistory` as the model's context instead of the stored turns. */
  context?: QueuedTurn['context'];
  /** Stored with the user message: `sessionId` (defaults to convoId), `replyTo`, `messageType`, `visualPayload`. */
  meta: Record<string, unknown>;
  agentData?: { ownerID?: string; userID?: string };
  /** Kept on the conversation (merged into what is stored) and shown to operators. */
  lightConvoData?: Record<string, unknown>;
}

export const MAX_PROMPT = 20000;
const MAX_FIELD = 256;
const MAX_ID = 128;
const MAX_CONVO_DATA = 16384;
const CANCEL = '@cancel:';
const REWIND = '@rewind:';
const USER_FIELDS = ['userName', 'userEmail', 'userPhone', 'userID', 'userImage'];

type Parsed<T> = T | { problem: string };
const problem = (text: string) => ({ problem: text });
const isProblem = (value: unknown): value is { problem: string } => typeof value === 'object' && value !== null && 'problem' in value;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates an interactObject; returns the problem in words, or the typed object. */
export function parseInteractObject(body: Record<string, unknown>): InteractObject | string {
  for (const field of ['agentId', 'convoId', 'bucket'] as const) {
    if (typeof body[field] !== 'string' || body[field].trim() === '') return `${field} must be a non-empty string`;
  }
  const { agentId, convoId, bucket } = body as Record<'agentId' | 'convoId' | 'bucket', string>;
  if (agentId.length > MAX_FIELD || bucket.length > MAX_FIELD) return `agentId and bucket must be at most ${MAX_FIELD} characters`;
  if (!CHAT_ID_PATTERN.test(convoId)) return 'convoId must be 1–128 characters of letters, digits, _ . : or -';
  const prompt = promptOf(body);
  const sessionId = optionalString(body, 'sessionId', MAX_ID);
  const unrecorded = optionalBoolean(body, 'disableRecordHistory');
  const mid = midOf(body.actionMetadata);
  const agentData = agentDataOf(body.agentData);
  const lightConvoData = lightConvoDataOf(body.lightConvoData);
  const replyTo = replyToOf(body.replyTo);
  const context = body.turnsHistory === undefined || body.turnsHistory === null ? undefined : contextOf(body.turnsHistory);
  for (const part of [prompt, sessionId, unrecorded, mid, agentData, lightConvoData, replyTo, context]) if (isProblem(part)) return part.problem;
  // Every part passed: none is a problem any more.
  const ok = <T>(part: Parsed<T>) => part as T;
  const { ID, ...identity } = ok(agentData) ?? {};
  return {
    agentId: ID ?? agentId,
    convoId,
    bucket,
    kind: ok(prompt).kind,
    prompt: ok(prompt).prompt,
    ...(ok(mid) === undefined ? {} : { mid: ok(mid) }),
    record: ok(unrecorded) !== true,
    ...(ok(context) ? { context: ok(context) } : {}),
    meta: { sessionId: ok(sessionId) ?? convoId, ...(ok(replyTo) ? { replyTo: ok(replyTo) } : {}), ...ok(prompt).meta },
    ...(ok(agentData) ? { agentData: identity } : {}),
    ...(ok(lightConvoData) ? { lightConvoData: ok(lightConvoData) } : {}),
  };
}

/** The prompt, with the platform's special values; a visual message's text stands in for a missing prompt. */
function promptOf(body: Record<string, unknown>): Parsed<Pick<InteractObject, 'kind' | 'prompt'> & { meta: Record<string, unknown> }> {
  const messageType = body.messageType ?? 'text';
  if (messageType !== 'text' && messageType !== 'visual') return problem('messageType must be "text" or "visual"');
  const visual = body.visualPayload;
  if (visual !== undefined && visual !== null && !isObject(visual)) return problem('visualPayload must be an object');
  const meta = messageType === 'visual' ? { messageType, ...(visual ? { visualPayload: visual } : {}) } : {};
  const given = body.prompt ?? null;
  if (given !== null && typeof given !== 'string') return problem('prompt must be a string');
  const prompt = given === null || given.trim() === '' ? (isObject(visual) && typeof visual.message === 'string' ? visual.message : null) : given;
  if (prompt === null || prompt.trim() === '' || prompt.trim() === 'start') return { kind: 'start', prompt: '', meta };
  if (prompt.length > MAX_PROMPT) return problem(`prompt must be at most ${MAX_PROMPT} characters`);
  if (prompt.startsWith(CANCEL)) return { kind: 'cancel', prompt: prompt.slice(CANCEL.length).trim() || 'cancelled by the client', meta };
  if (prompt.startsWith(REWIND)) return problem('prompt "@rewind:…" applies to node-based agents; the agents of this server are not node-based');
  return { kind: 'message', prompt, meta };
}

function optionalString(body: Record<string, unknown>, field: string, max: number): Parsed<string | undefined> {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > max) return problem(`${field} must be a string of 1–${max} characters`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string): Parsed<boolean | undefined> {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'boolean' ? value : problem(`${field} must be true or false`);
}

function midOf(value: unknown): Parsed<string | undefined> {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return problem('actionMetadata must be an object');
  const mid = optionalString(value, 'mid', MAX_ID);
  return isProblem(mid) ? problem(`actionMetadata.${mid.problem}`) : mid;
}

function agentDataOf(value: unknown): Parsed<{ ownerID?: string; userID?: string; ID?: string } | undefined> {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return problem('agentData must be an object');
  const data: Record<string, string> = {};
  for (const field of ['ownerID', 'userID', 'ID']) {
    const field_ = optionalString(value, field, MAX_FIELD);
    if (isProblem(field_)) return problem(`agentData.${field_.problem}`);
    if (field_ !== undefined) data[field] = field_;
  }
  return data;
}

/** An open object: the user fields are strings or null, `origin` a short string, the rest kept as sent. */
function lightConvoDataOf(value: unknown): Parsed<Record<string, unknown> | undefined> {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return problem('lightConvoData must be an object');
  for (const field of USER_FIELDS) {
    const field_ = value[field];
    const max = field === 'userImage' ? 2048 : MAX_FIELD;
    if (field_ !== undefined && field_ !== null && (typeof field_ !== 'string' || field_.length > max)) {
      return problem(`lightConvoData.${field} must be a string of at most ${max} characters, or null`);
    }
  }
  if (value.origin !== undefined && value.origin !== null && (typeof value.origin !== 'string' || value.origin.length > 64)) {
    return problem('lightConvoData.origin must be a string of at most 64 characters');
  }
  if (JSON.stringify(value).length > MAX_CONVO_DATA) return problem(`lightConvoData must be at most ${MAX_CONVO_DATA} characters as JSON`);
  return value;
}

function replyToOf(value: unknown): Parsed<Record<string, unknown> | undefined> {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return problem('replyTo must be an object');
  const reply: Record<string, unknown> = {};
  for (const [field, kind] of [['messageId', 'string'], ['messageContent', 'string'], ['messageFrom', 'string'], ['messageIndex', 'number'], ['turnIndex', 'number']] as const) {
    const field_ = value[field];
    if (field_ === undefined || field_ === null) continue;
    if (typeof field_ !== kind) return problem(`replyTo.${field} must be a ${kind}`);
    reply[field] = field_;
  }
  if (reply.messageFrom !== undefined && reply.messageFrom !== 'human' && reply.messageFrom !== 'bot') return problem('replyTo.messageFrom must be "human" or "bot"');
  if (typeof reply.messageContent === 'string' && reply.messageContent.length > MAX_PROMPT) {
    return problem(`replyTo.messageContent must be at most ${MAX_PROMPT} characters`);
  }
  return reply;
}
