import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import type { ActionClass } from './action';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean';

export interface ActionFieldSpec {
  name: string;
  description: string;
  type: FieldType;
  optional: boolean;
}

export interface ActionSpec {
  name: string;
  description: string;
  children: ActionClass[];
  fields: ActionFieldSpec[];
}

const ACTION = Symbol('interactive-action');
const FIELDS = Symbol('interactive-action-fields');

/** The class's docstring, in TypeScript: what the action is for, which the model reads when choosing. */
export function InteractiveAction(options: { description: string; children?: ActionClass[]; name?: string }): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(ACTION, { name: options.name ?? target.name, description: options.description, children: options.children ?? [] }, target);
  };
}

/** A field the model fills in (pydantic's `Field(description=…)`); add class-validator rules beside it. */
export function ActionField(options: { description: string; type?: FieldType; optional?: boolean }): PropertyDecorator {
  return (target, key) => {
    const fields = (Reflect.getOwnMetadata(FIELDS, target.constructor) as Array<[string | symbol, typeof options]> | undefined) ?? [];
    Reflect.defineMetadata(FIELDS, [...fields, [key, options]], target.constructor);
  };
}

/** Everything the framework knows about an action class; throws for a class without @InteractiveAction. */
export function actionSpec(actionClass: ActionClass): ActionSpec {
  const meta = Reflect.getOwnMetadata(ACTION, actionClass) as Omit<ActionSpec, 'fields'> | undefined;
  if (!meta) throw new Error(`${actionClass.name} is not decorated with @InteractiveAction`);
  const declared = (Reflect.getOwnMetadata(FIELDS, actionClass) as Array<[string, { description: string; type?: FieldType; optional?: boolean }]> | undefined) ?? [];
  const fields = declared.map(([name, options]) => ({
    name,
    description: options.description,
    type: options.type ?? inferType(actionClass, name),
    optional: options.optional ?? false,
  }));
  return { ...meta, fields };
}

// The TypeScript type says number; an @IsInt() rule beside it makes the schema say integer.
function inferType(actionClass: ActionClass, property: string): FieldType {
  const rules = getMetadataStorage().getTargetValidationMetadatas(actionClass, '', true, false);
  if (rules.some((rule) => rule.propertyName === property && rule.name === 'isInt')) return 'integer';
  const designType = Reflect.getMetadata('design:type', actionClass.prototype as object, property) as unknown;
  if (designType === Number) return 'number';
  if (designType === Boolean) return 'boolean';
  return 'string';
}

/** The JSON schema the model fills in for this action. */
export function actionJsonSchema(spec: ActionSpec): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(spec.fields.map((field) => [field.name, { type: field.type, description: field.description }])),
    required: spec.fields.filter((field) => !field.optional).map((field) => field.name),
    additionalProperties: false,
  };
}
