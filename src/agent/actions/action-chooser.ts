import { Inject, Injectable } from '@nestjs/common';
import { generateText, jsonSchema, Output, tool, type ModelMessage, type ToolSet } from 'ai';
import type { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AgentError, AgentErrorCode } from '../agent.error';
import { AgentRegistry } from '../agent.registry';
import { ModelProvider } from '../models/model-provider';
import { providerError } from '../models/provider-errors';
import type { ActionSpec } from './action.decorators';
import { actionJsonSchema } from './action.decorators';
import { usageOf, type ActionUsage } from './action-usage';

export interface ChosenCall {
  /** The model's id for the call, which the results of a loop refer to. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export type ActionChoice = { kind: 'actions'; calls: ChosenCall[]; usage: ActionUsage } | { kind: 'text'; text: string; usage: ActionUsage };

export interface ChoiceRequest {
  /** What the choosing action is and its arguments: context for the model, after the routing instruction. */
  context: string;
  /** The conversation: the session's earlier messages, its message, and what the actions added since. */
  messages: ModelMessage[];
  /** The children on offer; none asks for a final answer in words. */
  children: ActionSpec[];
}

const SYSTEM =
  'You route a user message to the offered actions, filling in their fields: call one, or several when the message asks for several things (they run in the order you call them). When none fits, or the actions already did what was asked, answer the user directly and briefly.';
const FINAL = 'Answer the user directly and briefly, from what the actions did.';

/** Asks the configured model (through the same provider layer as every agent) which children fit, and serves actions' own calls. */
@Injectable()
export class ActionChooser {
  constructor(
    private readonly models: ModelProvider,
    private readonly agents: AgentRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async choose(request: ChoiceRequest, signal: AbortSignal): Promise<ActionChoice> {
    const model = this.models.forAgent(this.agents.get());
    const tools: ToolSet = Object.fromEntries(
      request.children.map((child) => [child.name, tool({ description: child.description, inputSchema: jsonSchema(actionJsonSchema(child)) })]),
    );
    const system = `${request.children.length > 0 ? SYSTEM : FINAL}\n\n${request.context}`;
    try {
      const result = await generateText({ model: model.model, system, messages: request.messages, tools, abortSignal: signal, maxRetries: model.maxRetries });
      const usage = usageOf(result.usage);
      if (result.toolCalls.length > 0) {
        const calls = result.toolCalls.map((call) => ({ id: call.toolCallId, name: call.toolName, args: (call.input ?? {}) as Record<string, unknown> }));
        return { kind: 'actions', calls, usage };
      }
      return { kind: 'text', text: this.limited(result.text), usage };
    } catch (error) {
      throw providerError(error, model.provider);
    }
  }

  async generateText(messages: ModelMessage[], system: string | undefined, signal: AbortSignal): Promise<{ text: string; usage: ActionUsage }> {
    const model = this.models.forAgent(this.agents.get());
    try {
      const result = await generateText({ model: model.model, system, messages, abortSignal: signal, maxRetries: model.maxRetries });
      return { text: this.limited(result.text), usage: usageOf(result.usage) };
    } catch (error) {
      throw providerError(error, model.provider);
    }
  }

  async generateObject(schema: z.ZodType, messages: ModelMessage[], system: string | undefined, signal: AbortSignal): Promise<{ object: unknown; usage: ActionUsage }> {
    const model = this.models.forAgent(this.agents.get());
    try {
      const result = await generateText({ model: model.model, system, messages, output: Output.object({ schema }), abortSignal: signal, maxRetries: model.maxRetries });
      return { object: result.output, usage: usageOf(result.usage) };
    } catch (error) {
      throw providerError(error, model.provider);
    }
  }

  // Checked before the answer is journaled or sent: nothing past the limit is stored.
  private limited(text: string): string {
    const limit = this.config.run.maxOutputChars;
    if (text.length > limit) throw new AgentError(AgentErrorCode.OutputTooLarge, `The answer grew past ${limit} characters (RUN_MAX_OUTPUT_CHARS)`);
    return text;
  }
}
