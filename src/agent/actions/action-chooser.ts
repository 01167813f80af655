import { Inject, Injectable } from '@nestjs/common';
import { generateText, jsonSchema, tool, type ModelMessage, type ToolSet } from 'ai';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AgentError, AgentErrorCode } from '../agent.error';
import { AgentRegistry } from '../agent.registry';
import { ModelProvider } from '../models/model-provider';
import { providerError } from '../models/provider-errors';
import type { ActionSpec } from './action.decorators';
import { actionJsonSchema } from './action.decorators';

export type ActionChoice = { kind: 'action'; name: string; args: Record<string, unknown> } | { kind: 'text'; text: string };

const SYSTEM =
  'You route a user message to one of the offered actions, filling in its fields, or, when none fits, answer the user directly and briefly.';

/** Asks the configured model (through the same provider layer as every agent) which child action fits. */
@Injectable()
export class ActionChooser {
  constructor(
    private readonly models: ModelProvider,
    private readonly agents: AgentRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async choose(message: string, children: ActionSpec[], feedback: string | null, signal: AbortSignal): Promise<ActionChoice> {
    const model = this.models.forAgent(this.agents.get());
    const tools: ToolSet = Object.fromEntries(
      children.map((child) => [child.name, tool({ description: child.description, inputSchema: jsonSchema(actionJsonSchema(child)) })]),
    );
    const messages: ModelMessage[] = [{ role: 'user', content: message }];
    if (feedback) messages.push({ role: 'user', content: feedback });
    try {
      const result = await generateText({ model: model.model, system: SYSTEM, messages, tools, abortSignal: signal, maxRetries: model.maxRetries });
      const call = result.toolCalls[0];
      if (call) return { kind: 'action', name: call.toolName, args: (call.input ?? {}) as Record<string, unknown> };
      // Checked before the answer is journaled or sent: nothing past the limit is stored.
      const limit = this.config.run.maxOutputChars;
      if (result.text.length > limit) throw new AgentError(AgentErrorCode.OutputTooLarge, `The answer grew past ${limit} characters (RUN_MAX_OUTPUT_CHARS)`);
      return { kind: 'text', text: result.text };
    } catch (error) {
      throw providerError(error, model.provider);
    }
  }
}
