import { performance } from 'node:perf_hooks';
import { generateText, Output, type ModelMessage } from 'ai';
import type { z } from 'zod';
import type { GatewayMetrics } from '../../metrics/gateway-metrics';
import type { RunSpan } from '../../tracing/run-span';
import { AgentError, AgentErrorCode } from '../agent.error';
import type { AgentDefinition } from '../agent-definition';
import type { ResolvedModel } from '../models/model-provider';
import { providerError } from '../models/provider-errors';
import type { ModelTool } from '../models/turn-streamer';
import type { RunEventBody, RunUsage } from '../run-events';
import type { AgentTool } from '../tools/agent-tool';
import type { ActionModelCall, EmitQueue, ObjectCall } from './action-run';
import type { ApprovalDecider, RunClock } from './approvals';
import { streamModelTurn, type ModelTurn } from './model-turn';

/** One run's state, as the runner and its model steps share it. */
export interface RunState {
  agent: AgentDefinition;
  model: ResolvedModel;
  tools: AgentTool[];
  messages: ModelMessage[];
  signal: AbortSignal;
  clock: RunClock;
  approvals?: ApprovalDecider;
  step: number;
  deltaIndex: number;
  /** Characters the run may still stream (RUN_MAX_OUTPUT_CHARS, all steps together). */
  outputLeft: number;
  usage: RunUsage;
  trace: RunSpan;
}

/** The longest text one `text.delta` carries: a client's frame and a stored row stay small whatever the provider sends. */
export const MAX_DELTA_CHARS = 8192;

/**
 * The model calls of a run, each one step: an agent's streamed steps and an action run's whole ones take the same
 * path, so RUN_MAX_STEPS, RUN_MAX_OUTPUT_CHARS, the span, the latency metric and the token usage hold for both.
 */
export class ModelSteps {
  constructor(
    private readonly limits: { maxSteps: number; maxOutputChars: number },
    private readonly metrics: GatewayMetrics,
  ) {}

  /** A model step of an action run: the streamed step's path (limits, span, metrics, usage), its text kept, not sent. */
  async complete(state: RunState, call: ActionModelCall, queue: EmitQueue): Promise<ModelTurn> {
    const step = this.step(state, call.tools, call.system ?? '', false, call.messages);
    for (;;) {
      const next = await step.next();
      if (next.done) return next.value;
      if (next.value.type === 'step.started') await queue.push(next.value);
    }
  }

  /** A typed object from the model (an action's `context.llm.generateObject`), as one step of the run. */
  async object<Schema extends z.ZodType>(state: RunState, call: ObjectCall<Schema>, queue: EmitQueue) {
    state.step = nextStep(state.step, this.limits.maxSteps);
    await queue.push({ type: 'step.started', step: state.step, planning: false });
    const span = state.trace.modelCall(state.model, state.step);
    const { model } = state;
    try {
      const result = await generateText({
        model: model.model, system: call.system, messages: call.messages, output: Output.object({ schema: call.schema }), abortSignal: state.signal, maxRetries: model.maxRetries,
      });
      const turn = { text: '', calls: [], inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0, modelId: result.response.modelId };
      state.usage.inputTokens += turn.inputTokens;
      state.usage.outputTokens += turn.outputTokens;
      span.answered(turn);
      return { object: result.output as z.output<Schema>, inputTokens: turn.inputTokens, outputTokens: turn.outputTokens };
    } catch (error) {
      if (state.signal.aborted) throw error;
      const failure = providerError(error, model.provider);
      span.failed(failure);
      throw failure;
    } finally {
      span.end();
    }
  }

  /** One model call, streamed: `step.started`, its text deltas (bounded), the turn; metered, traced, its tokens the run's. */
  async *step(state: RunState, tools: readonly ModelTool[], system: string, planning: boolean, messages = state.messages): AsyncGenerator<RunEventBody, ModelTurn> {
    state.step = nextStep(state.step, this.limits.maxSteps);
    yield { type: 'step.started', step: state.step, planning };
    const stream = streamModelTurn({ model: state.model, system, messages, tools, signal: state.signal });
    const span = state.trace.modelCall(state.model, state.step);
    const startedAt = performance.now();
    let outcome: 'ok' | 'error' | null = null;
    try {
      for (;;) {
        const next = await stream.next();
        // The library reads ahead; nothing it buffered is emitted once the run is cancelled.
        state.signal.throwIfAborted();
        if (next.done) {
          state.usage.inputTokens += next.value.inputTokens;
          state.usage.outputTokens += next.value.outputTokens;
          if (next.value.modelId) state.usage.model = next.value.modelId;
          span.answered(next.value);
          outcome = 'ok';
          return next.value;
        }
        const delta = next.value;
        // Two comparisons per token; the rare delta that is huge or crosses the limit takes the slow path.
        if (delta.length > MAX_DELTA_CHARS || delta.length > state.outputLeft) {
          yield* this.boundedDeltas(state, delta);
          continue;
        }
        state.outputLeft -= delta.length;
        yield { type: 'text.delta', step: state.step, index: state.deltaIndex++, delta };
      }
    } catch (error) {
      if (state.signal.aborted) throw error;
      const failure = providerError(error, state.model.provider);
      span.failed(failure);
      outcome = 'error';
      throw failure;
    } finally {
      span.end();
      // A call abandoned by its caller (cancelled) is not a latency.
      if (outcome) this.metrics.modelCall(state.model.provider, state.usage.model, (performance.now() - startedAt) / 1000, outcome);
      // Closes the library's stream when we stop early, so it stops reading the provider's response.
      await stream.return({ text: '', calls: [], inputTokens: 0, outputTokens: 0 });
    }
  }

  /**
   * A delta in pieces of at most MAX_DELTA_CHARS, so no frame or stored row carries a provider's giant chunk,
   * and only up to RUN_MAX_OUTPUT_CHARS: what is past the limit is neither sent nor stored, and the run fails.
   */
  private *boundedDeltas(state: RunState, delta: string): Generator<RunEventBody> {
    const allowed = cutAt(delta, Math.min(delta.length, state.outputLeft));
    for (let from = 0; from < allowed; ) {
      const to = cutAt(delta, Math.min(from + MAX_DELTA_CHARS, allowed));
      yield { type: 'text.delta', step: state.step, index: state.deltaIndex++, delta: delta.slice(from, to) };
      state.outputLeft -= to - from;
      from = to;
    }
    if (allowed < delta.length) throw tooMuchText(this.limits.maxOutputChars);
  }
}

function tooMuchText(limit: number): AgentError {
  return new AgentError(AgentErrorCode.OutputTooLarge, `The answer grew past ${limit} characters (RUN_MAX_OUTPUT_CHARS); the rest was dropped`);
}

function nextStep(step: number, limit: number): number {
  if (step >= limit) throw new AgentError(AgentErrorCode.OutputTooLarge, `The run needed more than ${limit} model calls (RUN_MAX_STEPS)`);
  return step + 1;
}

/** `to`, or one before it when `to` would split a surrogate pair (a lone half is not valid JSON text for PostgreSQL). */
function cutAt(text: string, to: number): number {
  if (to >= text.length || to === 0) return to;
  const code = text.charCodeAt(to - 1);
  return code >= 0xd800 && code <= 0xdbff ? to - 1 : to;
}
