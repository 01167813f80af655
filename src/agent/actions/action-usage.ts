import type { LanguageModelUsage } from 'ai';

/** Tokens the model spent for one action: its choices of children and its own `context.llm` calls. */
export interface ActionUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export const noUsage = (): ActionUsage => ({ calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** One call's usage as the AI SDK reports it (providers may leave counts out). */
export function usageOf(usage: LanguageModelUsage | undefined): ActionUsage {
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  return { calls: 1, inputTokens, outputTokens, totalTokens: usage?.totalTokens ?? inputTokens + outputTokens };
}

export function addUsage(into: ActionUsage, usage: ActionUsage): void {
  into.calls += usage.calls;
  into.inputTokens += usage.inputTokens;
  into.outputTokens += usage.outputTokens;
  into.totalTokens += usage.totalTokens;
}

/** `context.serialize()`: everything that ran, nested as it ran. */
export interface ActionTreeNode {
  name: string;
  args: Record<string, unknown>;
  /** What the action ended with; absent while it runs. */
  result?: 'go' | 'break' | 'end' | 'failed';
  usage: ActionUsage;
  actions: ActionTreeNode[];
}
