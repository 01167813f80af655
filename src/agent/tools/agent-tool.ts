import type { z } from 'zod';
import type { Source } from '../run-events';

export interface ToolContext {
  chatId: string;
  runId: string;
  signal: AbortSignal;
}

/**
 * A capability an agent may call; a provider marked `@Tool()`, in any module, is registered under its `name`.
 * The schema is what the model fills in and what arguments are validated against before `execute` runs;
 * a throw becomes an observation the model sees.
 */
export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Schema;
  execute(args: z.infer<Schema>, context: ToolContext): Promise<unknown>;
  /** The documents an output cites, for protocols that show sources. */
  sourcesOf?(output: unknown): Source[];
  /** Calling it hands the conversation to a human. */
  readonly handsOff?: boolean;
  /**
   * Each call (or each call whose arguments the function picks) waits for the user's approval; a rejection is what
   * the model reads instead of a result. TOOLS_REQUIRING_APPROVAL marks tools by name without code.
   */
  readonly needsApproval?: boolean | ((args: z.infer<Schema>) => boolean);
}
