import { Module, type DynamicModule } from '@nestjs/common';
import { ActionChooser } from './actions/action-chooser';
import type { AgentDefinition } from './agent-definition';
import { AgentRegistry } from './agent.registry';
import { assistantAgent, plannerAgent } from './agents/assistant.agent';
import { AgentRunner } from './engine/agent-runner';
import { ModelProvider } from './models/model-provider';
import { AGENT_TOOLS, type AgentTool } from './tools/agent-tool';
import { CalculatorTool } from './tools/calculator/calculator.tool';
import { ContactsRepository } from './tools/contacts/contacts.repository';
import { ContactsTool } from './tools/contacts/contacts.tool';
import { RequestHandoffTool } from './tools/handoff/request-handoff.tool';
import { KnowledgeSearchTool } from './tools/knowledge/knowledge-search.tool';
import { KnowledgeRepository } from './tools/knowledge/knowledge.repository';
import { CurrentTimeTool } from './tools/time/current-time.tool';

const TOOL_CLASSES = [CalculatorTool, ContactsTool, KnowledgeSearchTool, CurrentTimeTool, RequestHandoffTool];

export interface AgentModuleOptions {
  /** Agents hosted besides the built-in `assistant` and `planner`. */
  agents?: AgentDefinition[];
}

@Module({})
export class AgentModule {
  static forRoot(options: AgentModuleOptions = {}): DynamicModule {
    return {
      module: AgentModule,
      // One engine for every protocol module, so it is registered once, app-wide.
      global: true,
      providers: [
        ContactsRepository,
        KnowledgeRepository,
        ...TOOL_CLASSES,
        { provide: AGENT_TOOLS, inject: TOOL_CLASSES, useFactory: (...tools: AgentTool[]) => tools },
        {
          provide: AgentRegistry,
          inject: [AGENT_TOOLS],
          useFactory: (tools: AgentTool[]) => new AgentRegistry([assistantAgent, plannerAgent, ...(options.agents ?? [])], tools),
        },
        ModelProvider,
        AgentRunner,
        ActionChooser,
      ],
      exports: [AgentRunner, AgentRegistry, ActionChooser],
    };
  }
}
