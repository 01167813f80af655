import { performance } from 'node:perf_hooks';
import type { LanguageModelV3, LanguageModelV3Middleware } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import type { GatewayMetrics } from './gateway-metrics';

/**
 * The model with each non-streamed provider request timed (the action chooser's; each retry apart). Streamed
 * calls are timed by the engine around its stream instead: a pass-through stage here would cost a web-streams
 * hop per token (measured: a third of a built-in turn's throughput).
 */
export function meteredModel(model: LanguageModelV3, provider: string, metrics: GatewayMetrics): LanguageModelV3 {
  const observe = (startedAt: number, outcome: 'ok' | 'error') =>
    metrics.modelCall(provider, model.modelId, (performance.now() - startedAt) / 1000, outcome);
  const middleware: LanguageModelV3Middleware = {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate }) {
      const startedAt = performance.now();
      try {
        const result = await doGenerate();
        observe(startedAt, 'ok');
        return result;
      } catch (error) {
        observe(startedAt, 'error');
        throw error;
      }
    },
  };
  return wrapLanguageModel({ model, middleware });
}
