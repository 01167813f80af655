import { zodSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from '../tools/agent-tool';
import { toolSchemaOf } from './tool-schemas';

const echo: AgentTool = {
  name: 'echo',
  description: 'Says it back',
  inputSchema: z.object({ text: z.string().min(1) }),
  execute: (args) => Promise.resolve(args),
};

describe('toolSchemaOf', () => {
  it("converts a tool's schema once, to what the AI SDK sends, keeping its validation", async () => {
    const schema = toolSchemaOf(echo);
    expect(toolSchemaOf(echo)).toBe(schema);
    expect(schema.parameters).toEqual(zodSchema(echo.inputSchema).jsonSchema);
    expect(await schema.schema.validate!({ text: '' })).toMatchObject({ success: false });
    expect(await schema.schema.validate!({ text: 'hi' })).toEqual({ success: true, value: { text: 'hi' } });
  });
});
