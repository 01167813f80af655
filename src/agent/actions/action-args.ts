import type { ActionClass } from './action';
import { actionDeclaration, actionSpec } from './action.decorators';
import { checkClassValidatorArgs } from './class-validator-fields';
import { checkZodArgs, type CheckedArgs } from './zod-fields';

export { actionJsonSchema, actionSpec } from './action.decorators';
export type { CheckedArgs } from './zod-fields';

/**
 * Checks the arguments the model wrote for an action against the fields it declares. `values` are what to
 * assign onto the new action: zod's parsed output (defaults, coercion) or class-transformer's.
 */
export async function checkActionArgs(actionClass: ActionClass, args: unknown): Promise<CheckedArgs> {
  const spec = actionSpec(actionClass);
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, problems: ['the arguments must be a JSON object'] };
  const input = args as Record<string, unknown>;
  const declared = new Set(spec.fields.map((field) => field.name));
  const undeclared = Object.keys(input).filter((key) => !declared.has(key));
  if (undeclared.length > 0) {
    const known = declared.size > 0 ? `its fields are ${[...declared].join(', ')}` : 'it has no fields';
    return { ok: false, problems: undeclared.map((key) => `${key} is not a field of ${spec.name} (${known})`) };
  }
  const declaration = actionDeclaration(actionClass);
  if (declaration.style === 'zod') return checkZodArgs(declaration.args, input);
  return checkClassValidatorArgs(actionClass, spec.schema, input);
}
