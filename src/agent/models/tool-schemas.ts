import { jsonSchema, zodSchema, type Schema } from 'ai';
import type { ModelTool } from './turn-streamer';

export interface ToolSchema {
  /** JSON Schema, what the model reads. */
  readonly parameters: Record<string, unknown>;
  /** The same with the tool's zod validation, as the AI SDK takes it. */
  readonly schema: Schema;
}

const schemas = new WeakMap<ModelTool, ToolSchema>();

/** Converted once per tool: the conversion costs about 250 µs, more than the rest of a model call's set-up. */
export function toolSchemaOf(tool: ModelTool): ToolSchema {
  let cached = schemas.get(tool);
  if (cached) return cached;
  if ('parameters' in tool) {
    // An action's fields: validated by the action tree (class-validator or zod), not by the library.
    cached = { parameters: tool.parameters, schema: jsonSchema(tool.parameters) };
  } else {
    // The AI SDK's own conversion, so both streaming paths send a tool the same `parameters`.
    const converted = zodSchema(tool.inputSchema);
    // zod converts synchronously; only hand-written schemas may be promises.
    const parameters = converted.jsonSchema as Record<string, unknown>;
    cached = { parameters, schema: jsonSchema(parameters, { validate: converted.validate }) };
  }
  schemas.set(tool, cached);
  return cached;
}
