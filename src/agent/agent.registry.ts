import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { isAgent, isTool } from './agent.decorators';
import { AgentError, AgentErrorCode } from './agent.error';
import type { AgentDefinition } from './agent-definition';
import type { AgentTool } from './tools/agent-tool';

export const DEFAULT_AGENT_ID = 'assistant';

/** The agents defined in code by this server (`assistant`, `planner`); the rest are `@Agent()` providers. */
export const BUILT_IN_AGENTS = Symbol('BUILT_IN_AGENTS');

/**
 * The agents this server hosts and the tools they may call: ours, and every `@Agent()` and `@Tool()`
 * provider of any module, found once all providers exist. Checked at start-up: every tool an agent names
 * must exist.
 */
@Injectable()
export class AgentRegistry implements OnModuleInit {
  private readonly agents = new Map<string, AgentDefinition>();
  private readonly tools = new Map<string, AgentTool>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(BUILT_IN_AGENTS) private readonly builtIn: AgentDefinition[],
  ) {}

  onModuleInit(): void {
    const found = this.discovery.getProviders().filter((wrapper) => wrapper.metatype && (isTool(wrapper.metatype) || isAgent(wrapper.metatype)));
    for (const wrapper of found) {
      // A request-scoped or transient provider has no one instance to call from a run.
      if (!wrapper.isDependencyTreeStatic() || !wrapper.instance) throw new Error(`${wrapper.name} must be a singleton provider to be a tool or an agent`);
    }
    for (const wrapper of found.filter((wrapper) => isTool(wrapper.metatype!))) this.addTool(wrapper.instance as AgentTool);
    for (const agent of [...this.builtIn, ...found.filter((wrapper) => isAgent(wrapper.metatype!)).map((wrapper) => wrapper.instance as AgentDefinition)]) {
      this.register(agent);
    }
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

  private addTool(tool: AgentTool): void {
    if (this.tools.has(tool.name)) throw new Error(`Two tools are named "${tool.name}"`);
    this.tools.set(tool.name, tool);
  }
}
