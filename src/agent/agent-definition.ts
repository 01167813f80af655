/** A named agent, defined in code: what it is told, which tools it may call, and how long it may go on. */
export interface AgentDefinition {
  id: string;
  description: string;
  systemPrompt: string;
  /** Overrides MODEL_NAME for this agent; `builtin` pins it to the offline model whatever the configuration. */
  model?: string;
  /** Names of registered tools. */
  tools: string[];
  /** Tool-calling steps before the agent must answer. */
  maxSteps: number;
  /** A PlanningStep first and then every N action steps (as smolagents' planning_interval); absent: no planning. */
  planningInterval?: number;
}
