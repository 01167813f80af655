import { randomUUID } from 'node:crypto';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { chunksOf } from '../../../common/chunks';
import { readPrompt } from './builtin-prompt';
import { decide, type Decision } from './builtin-rules';

export const BUILTIN_MODEL_ID = 'builtin-rules';

/**
 * No tokenizer runs here: counts are estimated at four characters a token (about right for English with
 * common tokenizers), so usage figures and limits behave offline as they will with a real provider.
 */
function usageOf(options: LanguageModelV3CallOptions, decision: Decision): LanguageModelV3Usage {
  const input = Math.ceil(JSON.stringify(options.prompt).length / 4);
  const output = Math.ceil((decision.kind === 'text' ? decision.text : JSON.stringify(decision.input)).length / 4);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/**
 * The offline stand-in behind the same interface as the real providers: a rule-based, deterministic
 * model for demos and tests. It is not an AI; see builtin-rules.ts for everything it can do.
 */
export class BuiltinModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'builtin';
  readonly modelId = BUILTIN_MODEL_ID;
  readonly supportedUrls = {};

  doGenerate(options: LanguageModelV3CallOptions): PromiseLike<LanguageModelV3GenerateResult> {
    const decision = this.decide(options);
    const content: LanguageModelV3Content[] =
      decision.kind === 'text'
        ? [{ type: 'text', text: decision.text }]
        : [{ type: 'tool-call', toolCallId: randomUUID(), toolName: decision.name, input: JSON.stringify(decision.input) }];
    return Promise.resolve({ content, finishReason: finishOf(decision), usage: usageOf(options, decision), warnings: [] });
  }

  doStream(options: LanguageModelV3CallOptions): PromiseLike<LanguageModelV3StreamResult> {
    const decision = this.decide(options);
    const parts = this.partsOf(decision, usageOf(options, decision));
    const signal = options.abortSignal;
    // Pull-based: one part per read, so a consumer that stops reading (or aborts) stops the model too.
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      pull(controller) {
        const next = parts.shift();
        if (signal?.aborted) controller.error(signal.reason);
        else if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    return Promise.resolve({ stream });
  }

  private decide(options: LanguageModelV3CallOptions): Decision {
    const offered = options.toolChoice?.type === 'none' ? [] : (options.tools ?? []).filter((tool) => tool.type === 'function');
    const schemas = new Map(offered.map((tool) => [tool.name, tool.inputSchema as unknown]));
    return decide(readPrompt(options.prompt), new Set(schemas.keys()), schemas);
  }

  private partsOf(decision: Decision, usage: LanguageModelV3Usage): LanguageModelV3StreamPart[] {
    const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
    if (decision.kind === 'text') {
      const id = randomUUID();
      parts.push({ type: 'text-start', id });
      for (const delta of chunksOf(decision.text)) parts.push({ type: 'text-delta', id, delta });
      parts.push({ type: 'text-end', id });
    } else {
      parts.push({ type: 'tool-call', toolCallId: randomUUID(), toolName: decision.name, input: JSON.stringify(decision.input) });
    }
    parts.push({ type: 'response-metadata', modelId: this.modelId });
    parts.push({ type: 'finish', finishReason: finishOf(decision), usage });
    return parts;
  }
}

function finishOf(decision: Decision): LanguageModelV3GenerateResult['finishReason'] {
  return { unified: decision.kind === 'text' ? 'stop' : 'tool-calls', raw: undefined };
}
