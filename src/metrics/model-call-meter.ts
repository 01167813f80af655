import { performance } from 'node:perf_hooks';
import type { LanguageModelV3, LanguageModelV3Middleware, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import type { GatewayMetrics } from './gateway-metrics';

/**
 * The model with each provider request timed: every caller (the engine, the action chooser) and every retry
 * is measured at this one point. A streamed call ends at its last part; a call the caller abandons is not timed.
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
    async wrapStream({ doStream }) {
      const startedAt = performance.now();
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await doStream();
      } catch (error) {
        observe(startedAt, 'error');
        throw error;
      }
      let outcome: 'ok' | 'error' = 'ok';
      // Parts pass through untouched; only the end of the stream is observed.
      const timed = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === 'error') outcome = 'error';
          controller.enqueue(part);
        },
        flush: () => observe(startedAt, outcome),
      });
      return { ...result, stream: result.stream.pipeThrough(timed) };
    },
  };
  return wrapLanguageModel({ model, middleware });
}
