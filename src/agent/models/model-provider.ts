import { Inject, Injectable } from '@nestjs/common';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { LanguageModel } from 'ai';
import { APP_CONFIG, type AppConfig, type ModelConfig } from '../../config/app-config';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { meteredModel } from '../../metrics/model-call-meter';
import type { AgentDefinition } from '../agent-definition';
import { AiSdkTurnStreamer } from './ai-sdk-turn-streamer';
import { BuiltinModel } from './builtin/builtin-model';
import { BuiltinTurnStreamer } from './builtin/builtin-turn-streamer';
import { ChatCompletionsTurnStreamer } from './chat-completions-turn-streamer';
import type { TurnStreamer } from './turn-streamer';

export interface ResolvedModel {
  /** For calls made through the AI SDK (generateText, generateObject). */
  readonly model: LanguageModel;
  /** For the engine's streamed calls: the leanest path this provider allows. */
  readonly streamer: TurnStreamer;
  /** The provider's name, for error messages and logs. */
  readonly provider: string;
  /** The configured model name, reported as `llmUsed` when the provider names none. */
  readonly name: string;
  readonly maxRetries: number;
}

type ProviderSettings = Exclude<ModelConfig, { provider: 'builtin' }>;

/** The only place that knows which LLM provider answers; everything above sees a LanguageModel and a TurnStreamer. */
@Injectable()
export class ModelProvider {
  private readonly builtin: ResolvedModel;
  private readonly cache = new Map<string, ResolvedModel>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    // Wrapped here, where every model is made, so each call is timed whoever makes it.
    const model = meteredModel(new BuiltinModel(), 'builtin', metrics);
    // Its streamed calls skip the AI SDK: a turn of the built-in model costs a fraction of streamText's set-up.
    this.builtin = { model, streamer: new BuiltinTurnStreamer(), provider: 'builtin', name: model.modelId, maxRetries: 0 };
  }

  forAgent(agent: AgentDefinition): ResolvedModel {
    const settings = this.config.model;
    if (settings.provider === 'builtin' || agent.model === 'builtin') return this.builtin;
    const name = agent.model ?? settings.name;
    const key = `${settings.provider}:${name}`;
    let resolved = this.cache.get(key);
    if (!resolved) {
      const { provider, baseUrl, apiKey, maxRetries } = settings;
      const model = meteredModel(this.create(settings, name), provider, this.metrics);
      // Anthropic has no Chat Completions wire; the AI SDK streams it.
      const streamer =
        provider === 'anthropic'
          ? new AiSdkTurnStreamer(model, maxRetries)
          : new ChatCompletionsTurnStreamer({ provider, model: name, baseURL: baseUrl, apiKey, maxRetries });
      resolved = { model, streamer, provider, name, maxRetries };
      this.cache.set(key, resolved);
    }
    return resolved;
  }

  private create(settings: ProviderSettings, name: string): LanguageModelV3 {
    const { baseUrl: baseURL, apiKey } = settings;
    switch (settings.provider) {
      case 'openai':
        // Chat Completions rather than the Responses API: it is what OpenAI-compatible proxies also speak.
        return createOpenAI({ apiKey, baseURL }).chat(name);
      case 'anthropic':
        return createAnthropic({ apiKey, baseURL })(name);
      case 'openai-compatible':
        // A typed object's schema reaches the model (context.llm.generateObject), as with OpenAI itself.
        return createOpenAICompatible({ name: 'openai-compatible', baseURL: baseURL!, apiKey, includeUsage: true, supportsStructuredOutputs: settings.structuredOutputs })(name);
    }
  }
}
