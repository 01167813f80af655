import { z } from 'zod';
import type { ActionClass } from './action';

export type JsonSchema = Record<string, unknown>;

export type CheckedArgs = { ok: true; values: Record<string, unknown> } | { ok: false; problems: string[] };

/** The schema of the input the model writes: a field with a default is optional there. */
export function zodSchema(actionClass: ActionClass, args: z.ZodObject): JsonSchema {
  let schema: JsonSchema;
  try {
    schema = z.toJSONSchema(args, { io: 'input' });
  } catch (error) {
    throw new Error(`${actionClass.name}'s args cannot be written as JSON schema: ${(error as Error).message}`, { cause: error });
  }
  const { $schema: _dialect, ...rest } = schema;
  return { ...rest, additionalProperties: false };
}

export function checkZodArgs(args: z.ZodObject, input: Record<string, unknown>): CheckedArgs {
  const parsed = args.safeParse(input);
  if (parsed.success) return { ok: true, values: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)) };
}
