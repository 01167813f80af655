import { Inject, Injectable } from '@nestjs/common';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { LanguageModel } from 'ai';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { meteredModel } from '../../metrics/model-call-meter';
import type { AgentDefinition } from '../agent-definition';
import { BuiltinModel } from './builtin/builtin-model';

export interface ResolvedModel {
  model: LanguageModel;
  /** The provider's name, for error messages and logs. */
  provider: string;
  /** The configured model name, reported as `llmUsed` when the provider names none. */
  name: string;
  maxRetries: number;
}

/** The only place that knows which LLM provider answers; everything above sees a LanguageModel. */
@Injectable()
export class ModelProvider {
  private readonly builtin: LanguageModelV3;
  private readonly cache = new Map<string, LanguageModel>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    // Wrapped here, where every model is made, so each call is timed whoever makes it.
    this.builtin = meteredModel(new BuiltinModel(), 'builtin', metrics);
  }

  forAgent(agent: AgentDefinition): ResolvedModel {
    const settings = this.config.model;
    if (settings.provider === 'builtin' || agent.model === 'builtin') {
      return { model: this.builtin, provider: 'builtin', name: this.builtin.modelId, maxRetries: 0 };
    }
    const name = agent.model ?? settings.name;
    const key = `${settings.provider}:${name}`;
    let model = this.cache.get(key);
    if (!model) {
      model = meteredModel(this.create(settings.provider, name, settings.baseUrl, settings.apiKey), settings.provider, this.metrics);
      this.cache.set(key, model);
    }
    return { model, provider: settings.provider, name, maxRetries: settings.maxRetries };
  }

  private create(provider: 'openai' | 'anthropic' | 'openai-compatible', name: string, baseURL?: string, apiKey?: string): LanguageModelV3 {
    switch (provider) {
      case 'openai':
        // Chat Completions rather than the Responses API: it is what OpenAI-compatible proxies also speak.
        return createOpenAI({ apiKey, baseURL }).chat(name);
      case 'anthropic':
        return createAnthropic({ apiKey, baseURL })(name);
      case 'openai-compatible':
        return createOpenAICompatible({ name: 'openai-compatible', baseURL: baseURL!, apiKey, includeUsage: true })(name);
    }
  }
}
