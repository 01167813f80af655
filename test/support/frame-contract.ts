import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { resolveRef, type Json } from './json-pointer';

export const ASYNCAPI_FILE = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

export type FrameChannel = 'chat' | 'interact' | 'interactive';
/** As in the AsyncAPI operations, from the server's side: `send` is server → client, `receive` client → server. */
export type FrameDirection = 'send' | 'receive';

/** Each protocol's own frames, then the token renewal every protocol shares (frames of the connection: no seq). */
const OPERATIONS: Record<FrameChannel, Record<FrameDirection, string[]>> = {
  chat: { send: ['sendChatFrames', 'sendChatAuth'], receive: ['receiveChatFrames', 'receiveChatAuth'] },
  interact: { send: ['sendInteractFrames', 'sendInteractAuth'], receive: ['receiveInteractFrames', 'receiveInteractAuth'] },
  interactive: { send: ['sendInteractiveFrames', 'sendInteractiveAuth'], receive: ['receiveInteractiveFrames', 'receiveInteractiveAuth'] },
};

interface Candidate {
  schema: string;
  validate: ValidateFunction;
}


const SCHEMAS = '#/components/schemas/';

/** A component schema for ajv: `x-` extensions dropped (for readers, not validators), refs by component name. */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(([key]) => !key.startsWith('x-'));
  return Object.fromEntries(entries.map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace(SCHEMAS, '') : forAjv(value)]));
}

const resolve = (document: Json, node: unknown): Json => resolveRef(document, node, 'docs/asyncapi.yaml');

/** Every operation's message payloads, compiled once: a frame is valid when it matches one of them. */
function compile(text: string): Record<string, Candidate[]> {
  const document = parse(text) as Json;
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries((document.components as { schemas: Json }).schemas)) ajv.addSchema(forAjv(schema) as Json, name);
  const compiled: Record<string, Candidate[]> = {};
  for (const [operationId, operation] of Object.entries(document.operations as Json)) {
    compiled[operationId] = ((operation as Json).messages as unknown[]).map((reference) => {
      const schema = (resolve(document, reference).payload as { $ref: string }).$ref.replace(SCHEMAS, '');
      return { schema, validate: ajv.getSchema(schema)! };
    });
  }
  return compiled;
}

let operations: Record<string, Candidate[]> | null = null;

/** The frame's problems against its operation's messages, in words; null when one message matches it. */
export function frameProblems(channel: FrameChannel, direction: FrameDirection, frame: unknown): string | null {
  const compiled = (operations ??= compile(readFileSync(ASYNCAPI_FILE, 'utf8')));
  const operationIds = OPERATIONS[channel][direction];
  const candidates = operationIds.flatMap((operationId) => {
    const messages = compiled[operationId];
    if (!messages) throw new Error(`docs/asyncapi.yaml has no operation ${operationId}`);
    return messages;
  });
  const operationId = operationIds.join(' or ');
  const failures: Array<{ schema: string; errors: ErrorObject[] }> = [];
  for (const { schema, validate } of candidates) {
    if (validate(frame)) return null;
    failures.push({ schema, errors: validate.errors ?? [] });
  }
  // A frame whose discriminator names a message is explained by that message alone, not by every other one.
  const named = failures.filter(({ errors }) => !errors.some((error) => /^\/(type|event)$/.test(error.instancePath) && error.keyword === 'const'));
  const shown = named.length > 0 ? named : failures;
  const why = shown.map(({ schema, errors }) => `  ${schema}: ${errors.map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}${describeParams(error)}`).join('; ')}`);
  return `${operationId}: the frame matches no message of the contract (docs/asyncapi.yaml)\n  frame: ${JSON.stringify(frame)}\n${why.join('\n')}`;
}

function describeParams(error: ErrorObject): string {
  const params = error.params as Json;
  if (error.keyword === 'additionalProperties') return ` (${String(params.additionalProperty)})`;
  if (error.keyword === 'const') return ` (${JSON.stringify(params.allowedValue)})`;
  if (error.keyword === 'enum') return ` (${JSON.stringify(params.allowedValues)})`;
  return '';
}

/** Throws, with the frame and the validator's errors, unless the frame is one of the operation's messages. */
export function checkFrame(channel: FrameChannel, direction: FrameDirection, frame: unknown): void {
  const problems = frameProblems(channel, direction, frame);
  if (problems !== null) throw new Error(problems);
}

/** A deliberately bad frame: the contract must refuse it too, or the test proves less than it says. */
export function assertRefused(channel: FrameChannel, direction: FrameDirection, frame: unknown): void {
  if (frameProblems(channel, direction, frame) === null) {
    throw new Error(`the contract accepts this frame, which the test sends as malformed: ${JSON.stringify(frame)}`);
  }
}

/**
 * The protocol a socket speaks, from its URL path. Interactive agents are mounted at any base path plus a route,
 * so every other path of two or more segments is one; the transport specs' probes (`/probe/…`) speak none (null).
 */
export function channelOf(path: string): FrameChannel | null {
  if (path.startsWith('/probe/') || path === '/probe') return null;
  if (/^\/chat\/[^/]+$/.test(path)) return 'chat';
  if (path === '/interact') return 'interact';
  if (/^(\/[\w.-]+){2,}$/.test(path)) return 'interactive';
  throw new Error(`${path} is not a path of the three protocols: its frames cannot be checked against docs/asyncapi.yaml`);
}
