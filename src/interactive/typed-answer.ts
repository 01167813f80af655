import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { InputTimeoutError, type ChatInput, type TypedInput } from '../agent/actions/interactive-context';

/** The code of the `error` added to a question asked again because its answer did not fit the schema. */
export const INPUT_INVALID = 'input.invalid';

export type CheckedAnswer = { ok: true; input: ChatInput | TypedInput<unknown> } | { ok: false; problems: string };

/** Without a schema every answer fits, and is returned exactly as sent (the seed's frames and values). */
export function checkAnswer(schema: z.ZodType | undefined, input: ChatInput): CheckedAnswer {
  if (!schema) return { ok: true, input };
  const parsed = schema.safeParse({ message: input.message, metadata: input.metadata });
  return parsed.success ? { ok: true, input: { ...input, value: parsed.data } } : { ok: false, problems: z.prettifyError(parsed.error) };
}

/** The question asked again: as the action gave it, plus why the last answer was refused. */
export function reasked(payload: unknown, problems: string): Record<string, unknown> {
  const error = { code: INPUT_INVALID, message: problems };
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? { ...payload, error } : { data: payload, error };
}

/** Whether a recorded question is the one asked now, compared as the JSON both are stored as (key order aside). */
export function sameQuestion(recorded: unknown, asked: unknown): boolean {
  return isDeepStrictEqual(asJson(recorded), asJson(asked));
}

/**
 * A question that timed out is journaled as answered by its timeout: nothing waits on it any more (for a resume and
 * for `GET /sessions?status=waiting`), and a replay throws the same InputTimeoutError instead of asking again.
 */
export async function journalTimeout(error: unknown, write: (data: unknown) => Promise<void>): Promise<never> {
  if (error instanceof InputTimeoutError) await write({ type: 'timeout', timeoutMs: error.timeoutMs });
  throw error;
}

/** A recorded answer, or the recorded timeout thrown again. */
export function replayedAnswer(data: unknown): ChatInput {
  const recorded = data as ChatInput | { type: 'timeout'; timeoutMs: number };
  if (recorded.type === 'timeout') throw new InputTimeoutError(recorded.timeoutMs);
  return recorded;
}

function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
