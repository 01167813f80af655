import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AgentRegistry, BUILT_IN_AGENTS } from './agent.registry';
import { builtInAgents } from './agents/assistant.agent';
import { AgentRunner } from './engine/agent-runner';
import { ModelProvider } from './models/model-provider';
import { CalculatorTool } from './tools/calculator/calculator.tool';
import { RequestHandoffTool } from './tools/handoff/request-handoff.tool';
import { CurrentTimeTool } from './tools/time/current-time.tool';

export interface AgentModuleOptions {
  /** The demo tools (contacts, knowledge_search) are registered by DemoModule; the assistant offers them when it is on. */
  demoContent: boolean;
}

/**
 * The engine and our agents and tools. Other agents and tools are `@Agent()` / `@Tool()` providers of
 * any module (docs/agents.md, docs/tools.md), which the registry finds at start-up.
 */
@Module({})
export class AgentModule {
  static forRoot(options: AgentModuleOptions): DynamicModule {
    return {
      module: AgentModule,
      // One engine for every protocol module, so it is registered once, app-wide.
      global: true,
      imports: [DiscoveryModule],
      providers: [
        CalculatorTool,
        CurrentTimeTool,
        RequestHandoffTool,
        { provide: BUILT_IN_AGENTS, useValue: builtInAgents(options.demoContent) },
        AgentRegistry,
        ModelProvider,
        AgentRunner,
      ],
      exports: [AgentRunner, AgentRegistry],
    };
  }
}
