import type { ModelMessage } from 'ai';
import type { z } from 'zod';

/**
 * The configured model, for an action's own work. Each call is journaled: a resumed execution gets the
 * recorded result without asking the model again. Its tokens count for the calling action.
 */
export interface ActionLlm {
  /** A prompt (sent as the user's message) or a whole conversation; resolves with the model's text. */
  generateText(input: string | ModelMessage[], options?: { system?: string }): Promise<string>;
  /** An object that fits `schema`, from a prompt or a conversation. */
  generateObject<Schema extends z.ZodType>(schema: Schema, input: string | ModelMessage[], options?: { system?: string }): Promise<z.output<Schema>>;
}
