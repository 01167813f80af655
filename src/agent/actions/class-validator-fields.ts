import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { plainToInstance } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, IS_DATE_STRING, validate, type ValidationError } from 'class-validator';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { IOptions } from 'class-validator-jsonschema/build/options';
import type { ActionClass } from './action';
import type { ActionFieldOptions } from './action.decorators';
import type { CheckedArgs, JsonSchema } from './zod-fields';

type DeclaredFields = Array<{ name: string; options: ActionFieldOptions }>;

const options: Partial<IOptions> = {
  classTransformerMetadataStorage: defaultMetadataStorage,
  // The library's own pattern for @IsDateString wants fractional seconds; it is an ISO 8601 date or date-time.
  additionalConverters: { [IS_DATE_STRING]: { oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] } },
};
// Rules that check nothing by themselves (@IsOptional, @ValidateIf, @Allow): a field with only these has no rule.
const NOT_RULES = new Set(['conditionalValidation', 'whitelistValidation']);
const ajv = new Ajv({ strict: false, allErrors: true });
const unruledChecks = new WeakMap<ActionClass, ValidateFunction>();

/** The schema derived from the class-validator rules of the `@ActionField` properties, with their options merged in. */
export function classValidatorSchema(actionClass: ActionClass, fields: DeclaredFields): JsonSchema {
  const derived = targetConstructorToSchema(actionClass, options) as JsonSchema;
  const derivedProperties = (derived.properties ?? {}) as Record<string, JsonSchema>;
  const definitions = validationMetadatasToSchemas(options) as Record<string, JsonSchema>;
  const ruled = ruledProperties(actionClass);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const { name, options: field } of fields) {
    const schema = inlined(derivedProperties[name] ?? {}, definitions, [actionClass.name]);
    const type = field.type ?? (hasType(schema) ? undefined : designType(actionClass, name));
    properties[name] = { ...schema, ...(type ? { type } : {}), description: field.description };
    const optional = field.optional ?? (ruled.has(name) && !((derived.required ?? []) as string[]).includes(name));
    if (!optional) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** class-validator's rules with their messages; the schema's type and required checks for fields without a rule. */
export async function checkClassValidatorArgs(actionClass: ActionClass, schema: JsonSchema, input: Record<string, unknown>): Promise<CheckedArgs> {
  const instance = plainToInstance(actionClass, input) as unknown as Record<string, unknown>;
  const problems = (await validate(instance, { forbidUnknownValues: false })).flatMap((error) => messages(error, ''));
  const unruled = unruledCheck(actionClass, schema);
  if (!unruled(input)) problems.push(...(unruled.errors ?? []).map(ajvMessage));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, values: Object.fromEntries(Object.keys(input).map((key) => [key, instance[key]])) };
}

function unruledCheck(actionClass: ActionClass, schema: JsonSchema): ValidateFunction {
  let check = unruledChecks.get(actionClass);
  if (!check) {
    const ruled = ruledProperties(actionClass);
    const properties = Object.entries(schema.properties as Record<string, JsonSchema>).filter(([name]) => !ruled.has(name));
    const required = (schema.required as string[]).filter((name) => !ruled.has(name));
    check = ajv.compile({ type: 'object', properties: Object.fromEntries(properties), required });
    unruledChecks.set(actionClass, check);
  }
  return check;
}

function ruledProperties(actionClass: ActionClass): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(actionClass, '', true, false);
  return new Set(metadata.filter((rule) => !NOT_RULES.has(rule.type)).map((rule) => rule.propertyName));
}

// A nested class is a `$ref` into the library's definitions: the model needs it written out.
function inlined(schema: JsonSchema, definitions: Record<string, JsonSchema>, seen: string[]): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    if (seen.includes(name)) throw new Error(`${[...seen, name].join(' → ')}: a recursive field cannot be shown to the model`);
    const target = definitions[name] ?? { type: 'object' };
    return { ...inlined(target, definitions, [...seen, name]), additionalProperties: false };
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, isSchema(value) ? inlined(value, definitions, seen) : mapSchemas(value, definitions, seen)]),
  );
}

function mapSchemas(value: unknown, definitions: Record<string, JsonSchema>, seen: string[]): unknown {
  return Array.isArray(value) ? value.map((item: unknown) => (isSchema(item) ? inlined(item, definitions, seen) : item)) : value;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(schema: JsonSchema): boolean {
  return 'type' in schema || 'oneOf' in schema || 'anyOf' in schema || 'enum' in schema;
}

function designType(actionClass: ActionClass, property: string): string | undefined {
  const type = Reflect.getMetadata('design:type', actionClass.prototype as object, property) as unknown;
  const types = new Map<unknown, string>([[String, 'string'], [Number, 'number'], [Boolean, 'boolean'], [Array, 'array']]);
  return types.get(type) ?? (typeof type === 'function' && type !== Object ? 'object' : undefined);
}

function messages(error: ValidationError, prefix: string): string[] {
  const own = Object.values(error.constraints ?? {}).map((message) => `${prefix}${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => messages(child, `${prefix}${error.property}.`))];
}

function ajvMessage(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  return path ? `${path} ${error.message ?? 'is invalid'}` : (error.message ?? 'is invalid');
}
