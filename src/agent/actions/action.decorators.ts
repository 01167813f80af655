import 'reflect-metadata';
import type { z } from 'zod';
import type { ActionClass } from './action';
import { classValidatorSchema } from './class-validator-fields';
import { zodSchema, type JsonSchema } from './zod-fields';

export type { JsonSchema } from './zod-fields';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/** The options of `@ActionField`; its class-validator rules beside it add to the schema. */
export interface ActionFieldOptions {
  description: string;
  /** Overrides the JSON type inferred from the rules and the TypeScript type. */
  type?: FieldType;
  optional?: boolean;
}

export interface ActionFieldSpec {
  name: string;
  description?: string;
  optional: boolean;
  /** The field's part of the schema the model fills in. */
  schema: JsonSchema;
}

export interface ActionSpec {
  name: string;
  description: string;
  children: ActionClass[];
  fields: ActionFieldSpec[];
  /** The JSON schema of the tool call the model fills in to choose this action. */
  schema: JsonSchema;
}

/** The children as an array, or a function returning it: for a child declared after its parent. */
export type ActionChildren = ActionClass[] | (() => ActionClass[]);

export interface InteractiveActionOptions {
  description: string;
  children?: ActionChildren;
  name?: string;
  /** The fields as a zod object: schema, validation, defaults and coercion in one place. */
  args?: z.ZodObject;
}

/** How an action declares its fields: a zod object, or `@ActionField`s (none at all is an action with no fields). */
export type ActionDeclaration =
  | { style: 'zod'; args: z.ZodObject }
  | { style: 'class-validator'; fields: Array<{ name: string; options: ActionFieldOptions }> };

const ACTION = Symbol('interactive-action');
const FIELDS = Symbol('interactive-action-fields');
const schemas = new WeakMap<ActionClass, JsonSchema>();

/** The class's docstring, in TypeScript: what the action is for, which the model reads when choosing. */
export function InteractiveAction(options: InteractiveActionOptions): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(ACTION, { ...options, name: options.name ?? target.name }, target);
  };
}

/** A field the model fills in (pydantic's `Field(description=…)`); add class-validator rules beside it. */
export function ActionField(options: ActionFieldOptions): PropertyDecorator {
  return (target, key) => {
    if (typeof key !== 'string') throw new Error('@ActionField needs a string property name');
    const fields = (Reflect.getOwnMetadata(FIELDS, target.constructor) as ActionFieldOptionsByName | undefined) ?? [];
    Reflect.defineMetadata(FIELDS, [...fields, { name: key, options }], target.constructor);
  };
}

type ActionFieldOptionsByName = Array<{ name: string; options: ActionFieldOptions }>;

/** Everything the framework knows about an action class, children resolved; throws for a badly declared one. */
export function actionSpec(actionClass: ActionClass): ActionSpec {
  const meta = actionMeta(actionClass);
  const children = typeof meta.children === 'function' ? meta.children() : (meta.children ?? []);
  const missing = children.findIndex((child) => typeof child !== 'function');
  if (missing >= 0) {
    throw new Error(`${actionClass.name}'s child #${missing + 1} is undefined: declared after it? Write children: () => [...]`);
  }
  let schema = schemas.get(actionClass);
  if (!schema) {
    const declaration = actionDeclaration(actionClass);
    schema = declaration.style === 'zod' ? zodSchema(actionClass, declaration.args) : classValidatorSchema(actionClass, declaration.fields);
    schemas.set(actionClass, schema);
  }
  return { name: meta.name ?? actionClass.name, description: meta.description, children, fields: fieldsOf(schema), schema };
}

/** The JSON schema the model fills in for this action. */
export function actionJsonSchema(spec: ActionSpec): JsonSchema {
  return spec.schema;
}

export function actionDeclaration(actionClass: ActionClass): ActionDeclaration {
  const meta = actionMeta(actionClass);
  const fields = (Reflect.getOwnMetadata(FIELDS, actionClass) as ActionFieldOptionsByName | undefined) ?? [];
  if (!meta.args) return { style: 'class-validator', fields };
  if (fields.length > 0) throw new Error(`${actionClass.name} declares fields both in args and with @ActionField: choose one`);
  return { style: 'zod', args: meta.args };
}

function actionMeta(actionClass: ActionClass): InteractiveActionOptions {
  const meta = Reflect.getOwnMetadata(ACTION, actionClass) as InteractiveActionOptions | undefined;
  if (!meta) throw new Error(`${actionClass.name} is not decorated with @InteractiveAction`);
  return meta;
}

function fieldsOf(schema: JsonSchema): ActionFieldSpec[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, field]) => ({
    name,
    ...(typeof field.description === 'string' ? { description: field.description } : {}),
    optional: !required.has(name),
    schema: field,
  }));
}
