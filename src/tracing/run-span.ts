import { context, SpanKind, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { AgentDefinition } from '../agent/agent-definition';
import type { ToolCallRequest, ToolOutcome } from '../agent/engine/tool-executor';
import type { ResolvedModel } from '../agent/models/model-provider';
import type { RunEventBody, RunUsage } from '../agent/run-events';
import * as attr from './gen-ai.attributes';
import { ModelCallSpan } from './model-call-span';
import { markFailed } from './span-failure';

type RunEnding = Extract<RunEventBody, { type: 'run.finished' | 'run.failed' | 'run.cancelled' }>;

/**
 * The `invoke_agent` span of one run and the parent of its model and tool call spans. The parent is
 * passed explicitly: the run is an async generator, which an active context would not follow across yields.
 * Attributes are only built when the span records, so the no-op tracer costs next to nothing.
 */
export class RunSpan {
  private readonly span: Span;
  private readonly parent: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly chatId: string,
    runId: string,
  ) {
    this.span = tracer.startSpan('invoke_agent', { kind: SpanKind.INTERNAL });
    if (this.span.isRecording()) {
      this.span.setAttributes({ [attr.GEN_AI_OPERATION_NAME]: 'invoke_agent', [attr.GEN_AI_CONVERSATION_ID]: chatId, [attr.RUN_ID]: runId });
    }
    this.parent = trace.setSpan(context.active(), this.span);
  }

  /** Names the span once the registry found the agent (an unknown agent leaves it `invoke_agent`). */
  agent(agent: AgentDefinition, model: ResolvedModel): void {
    if (!this.span.isRecording()) return;
    this.span.updateName(`invoke_agent ${agent.id}`);
    this.span.setAttributes({
      [attr.GEN_AI_AGENT_NAME]: agent.id,
      [attr.GEN_AI_AGENT_DESCRIPTION]: agent.description,
      [attr.GEN_AI_PROVIDER_NAME]: model.provider,
      [attr.GEN_AI_SYSTEM]: model.provider,
      [attr.GEN_AI_REQUEST_MODEL]: model.name,
    });
  }

  modelCall(model: ResolvedModel, step: number): ModelCallSpan {
    return new ModelCallSpan(this.tracer, this.parent, this.chatId, model, step);
  }

  /** Runs one tool call inside its `execute_tool` span; a refused or failed call marks it ERROR. */
  async toolCall(call: ToolCallRequest, step: number, execute: () => Promise<ToolOutcome>): Promise<ToolOutcome> {
    const span = this.tracer.startSpan(`execute_tool ${call.tool}`, { kind: SpanKind.INTERNAL }, this.parent);
    if (span.isRecording()) {
      span.setAttributes({
        [attr.GEN_AI_OPERATION_NAME]: 'execute_tool',
        [attr.GEN_AI_TOOL_NAME]: call.tool,
        [attr.GEN_AI_TOOL_CALL_ID]: call.callId,
        [attr.GEN_AI_TOOL_TYPE]: 'function',
        [attr.GEN_AI_CONVERSATION_ID]: this.chatId,
        [attr.STEP]: step,
      });
    }
    try {
      const outcome = await execute();
      // The model reads the reason and may recover, but the call itself failed.
      if (!outcome.ok) markFailed(span, 'tool_error', String(outcome.output));
      return outcome;
    } finally {
      span.end();
    }
  }

  /** Records how the run ended and hands the terminal event back, so the runner can yield it as it is. */
  ended<T extends RunEnding>(ending: T): T {
    if (this.span.isRecording()) {
      this.span.setAttribute(attr.RUN_OUTCOME, ending.type.slice('run.'.length));
      if (ending.usage) this.recordUsage(ending.usage);
      if (ending.type === 'run.failed') markFailed(this.span, ending.error.code, ending.error.message);
    }
    this.span.end();
    return ending;
  }

  /** Ends the span of a run whose consumer stopped reading before its end (ending twice is a no-op). */
  close(): void {
    if (this.span.isRecording()) this.span.end();
  }

  private recordUsage(usage: RunUsage): void {
    this.span.setAttributes({
      [attr.GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
      [attr.GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
      [attr.GEN_AI_RESPONSE_MODEL]: usage.model,
    });
  }
}
