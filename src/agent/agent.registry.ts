import { AgentError, AgentErrorCode } from './agent.error';
import type { AgentDefinition } from './agent-definition';
import type { AgentTool } from './tools/agent-tool';

export const DEFAULT_AGENT_ID = 'assistant';

/** The agents this server hosts, checked once at start-up: every tool an agent names must exist. */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentDefinition>();
  private readonly tools = new Map<string, AgentTool>();

  constructor(agents: AgentDefinition[], tools: AgentTool[]) {
    for (const tool of tools) this.tools.set(tool.name, tool);
    for (const agent of agents) this.register(agent);
    if (!this.agents.has(DEFAULT_AGENT_ID)) throw new Error(`The default agent "${DEFAULT_AGENT_ID}" is not registered`);
  }

  register(agent: AgentDefinition): void {
    if (this.agents.has(agent.id)) throw new Error(`Agent "${agent.id}" is registered twice`);
    const unknown = agent.tools.filter((name) => !this.tools.has(name));
    if (unknown.length > 0) throw new Error(`Agent "${agent.id}" names unknown tools: ${unknown.join(', ')}`);
    this.agents.set(agent.id, agent);
  }

  has(id: string): boolean {
    return this.agents.has(id);
  }

  get(id: string = DEFAULT_AGENT_ID): AgentDefinition {
    const agent = this.agents.get(id);
    if (!agent) {
      throw new AgentError(AgentErrorCode.UnknownAgent, `No agent is registered as "${id}"; the registered agents are: ${[...this.agents.keys()].join(', ')}`);
    }
    return agent;
  }

  list(): AgentDefinition[] {
    return [...this.agents.values()];
  }

  toolsOf(agent: AgentDefinition): AgentTool[] {
    return agent.tools.map((name) => this.tools.get(name)!);
  }
}
