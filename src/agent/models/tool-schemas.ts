import { jsonSchema, zodSchema, type Schema } from 'ai';
import type { AgentTool } from '../tools/agent-tool';

export interface ToolSchema {
  /** JSON Schema, what the model reads. */
  readonly parameters: Record<string, unknown>;
  /** The same with the tool's zod validation, as the AI SDK takes it. */
  readonly schema: Schema;
}

const schemas = new WeakMap<AgentTool, ToolSchema>();

/** Converted once per tool: the conversion costs about 250 µs, more than the rest of a model call's set-up. */
export function toolSchemaOf(tool: AgentTool): ToolSchema {
  let cached = schemas.get(tool);
  if (!cached) {
    // The AI SDK's own conversion, so both streaming paths send a tool the same `parameters`.
    const converted = zodSchema(tool.inputSchema);
    // zod converts synchronously; only hand-written schemas may be promises.
    const parameters = converted.jsonSchema as Record<string, unknown>;
    cached = { parameters, schema: jsonSchema(parameters, { validate: converted.validate }) };
    schemas.set(tool, cached);
  }
  return cached;
}
