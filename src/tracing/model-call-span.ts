import { SpanKind, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { AgentError } from '../agent/agent.error';
import type { ModelTurn } from '../agent/engine/model-turn';
import type { ResolvedModel } from '../agent/models/model-provider';
import * as attr from './gen-ai.attributes';
import { markFailed } from './span-failure';

/** The `chat {model}` span of one model call: what was asked of whom, who answered, and what it cost. */
export class ModelCallSpan {
  private readonly span: Span;

  constructor(tracer: Tracer, parent: Context, chatId: string, model: ResolvedModel, step: number) {
    this.span = tracer.startSpan(`chat ${model.name}`, { kind: SpanKind.CLIENT }, parent);
    if (this.span.isRecording()) {
      this.span.setAttributes({
        [attr.GEN_AI_OPERATION_NAME]: 'chat',
        [attr.GEN_AI_PROVIDER_NAME]: model.provider,
        [attr.GEN_AI_SYSTEM]: model.provider,
        [attr.GEN_AI_REQUEST_MODEL]: model.name,
        [attr.GEN_AI_CONVERSATION_ID]: chatId,
        [attr.STEP]: step,
      });
    }
  }

  answered(turn: ModelTurn): void {
    if (!this.span.isRecording()) return;
    this.span.setAttributes({ [attr.GEN_AI_USAGE_INPUT_TOKENS]: turn.inputTokens, [attr.GEN_AI_USAGE_OUTPUT_TOKENS]: turn.outputTokens });
    if (turn.modelId) this.span.setAttribute(attr.GEN_AI_RESPONSE_MODEL, turn.modelId);
  }

  failed(error: AgentError): void {
    markFailed(this.span, error.code, error.message, error);
  }

  end(): void {
    this.span.end();
  }
}
