import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AgentError, AgentErrorCode } from '../agent.error';
import type { AgentDefinition } from '../agent-definition';
import { AgentRegistry } from '../agent.registry';
import { FINAL_ANSWER_INSTRUCTION, GREETING_INSTRUCTION, PLANNING_INSTRUCTION } from '../models/instructions';
import { ModelProvider, type ResolvedModel } from '../models/model-provider';
import { providerError } from '../models/provider-errors';
import type { RunEvent, RunEventBody, RunUsage } from '../run-events';
import type { AgentTool } from '../tools/agent-tool';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { AgentTracer } from '../../tracing/agent-tracer';
import type { RunSpan } from '../../tracing/run-span';
import { streamModelTurn, type ModelTurn } from './model-turn';
import { actionStepLog } from './step-log';
import { executeTool, toolMessages } from './tool-executor';

export interface RunRequest {
  chatId: string;
  input: string;
  agentId?: string;
  /** Earlier turns of the conversation, oldest first. */
  history?: ModelMessage[];
  /** Aborting it cancels the run: the model request is dropped and the run ends with `run.cancelled`. */
  signal?: AbortSignal;
  runId?: string;
  /** The agent speaks first (interact's `start`): `input` is ignored and the model is asked for its greeting. */
  greeting?: boolean;
  /** Who asked (chat, interact, rest): a label for the metrics, nothing the run does depends on it. */
  protocol?: string;
}

interface RunState {
  agent: AgentDefinition;
  model: ResolvedModel;
  tools: AgentTool[];
  messages: ModelMessage[];
  signal: AbortSignal;
  step: number;
  deltaIndex: number;
  /** Characters the run may still stream (RUN_MAX_OUTPUT_CHARS, all steps together). */
  outputLeft: number;
  usage: RunUsage;
  trace: RunSpan;
}

/**
 * Runs one turn (user input → steps → answer) and streams neutral run events. Knows no protocol and
 * stores nothing: adapters translate the events, services persist them.
 */
@Injectable()
export class AgentRunner {
  private readonly logger = new Logger('AgentRunner');

  constructor(
    private readonly registry: AgentRegistry,
    private readonly models: ModelProvider,
    private readonly tracer: AgentTracer,
    private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async *run(request: RunRequest): AsyncGenerator<RunEvent> {
    const runId = request.runId ?? randomUUID();
    let seq = 0;
    // Every event passes here once: the one point the metrics read a run from.
    const meter = this.metrics.runMeter(request.protocol ?? 'internal');
    const envelope = (body: RunEventBody): RunEvent => {
      meter.observe(body);
      return { chatId: request.chatId, runId, seq: ++seq, at: isoNow(), ...body };
    };
    const timeout = AbortSignal.timeout(this.config.run.timeoutMs);
    // Ours too, so a consumer that stops iterating early also stops the model request.
    const stopped = new AbortController();
    const signal = AbortSignal.any([timeout, stopped.signal, ...(request.signal ? [request.signal] : [])]);
    const started = Date.now();
    let state: RunState | undefined;
    const trace = this.tracer.startRun(request.chatId, runId);
    try {
      const agent = this.registry.get(request.agentId);
      yield envelope({ type: 'run.started', agentId: agent.id, input: request.input });
      const model = this.models.forAgent(agent);
      trace.agent(agent, model);
      state = {
        agent,
        model,
        tools: this.registry.toolsOf(agent),
        messages: [...(request.history ?? []), { role: 'user', content: request.greeting ? GREETING_INSTRUCTION : request.input }],
        signal,
        step: 0,
        deltaIndex: 0,
        outputLeft: this.config.run.maxOutputChars,
        usage: { inputTokens: 0, outputTokens: 0, model: model.name },
        trace,
      };
      for await (const body of this.steps(state, request.chatId, runId)) yield envelope(body);
      this.logger.debug(`run ${runId} finished in ${Date.now() - started} ms`);
    } catch (error) {
      // What the model calls cost until here is spent all the same.
      const usage = state ? { usage: state.usage } : {};
      if (request.signal?.aborted) {
        yield envelope(trace.ended({ type: 'run.cancelled', reason: reasonOf(request.signal), ...usage }));
      } else if (timeout.aborted) {
        const message = `The run took longer than ${this.config.run.timeoutMs} ms`;
        yield envelope(trace.ended({ type: 'run.failed', error: { code: AgentErrorCode.RunTimeout, message }, ...usage }));
      } else {
        const failure = error instanceof AgentError ? error : this.unexpected(error, runId);
        yield envelope(trace.ended({ type: 'run.failed', error: { code: failure.code, message: failure.message }, ...usage }));
      }
    } finally {
      // A reason of our own: the default one is a DOMException, whose stack capture costs more than the rest of this.
      stopped.abort(RUN_OVER);
      trace.close();
      meter.close();
    }
  }

  private async *steps(state: RunState, chatId: string, runId: string): AsyncGenerator<RunEventBody> {
    const { agent } = state;
    for (let actionSteps = 0; ; ) {
      if (agent.planningInterval && actionSteps % agent.planningInterval === 0) {
        const plan = yield* this.modelStep(state, [], `${agent.systemPrompt}\n\n${PLANNING_INSTRUCTION}`, true);
        yield { type: 'step.finished', step: state.step, stepType: 'PlanningStep', content: plan.text };
        state.messages.push({ role: 'assistant', content: plan.text });
      }
      const outOfSteps = actionSteps >= agent.maxSteps;
      const system = outOfSteps ? `${agent.systemPrompt}\n\n${FINAL_ANSWER_INSTRUCTION}` : agent.systemPrompt;
      const turn = yield* this.modelStep(state, outOfSteps ? [] : state.tools, system, false);
      if (turn.calls.length === 0) {
        yield { type: 'step.finished', step: state.step, stepType: 'FinalAnswerStep', content: turn.text };
        yield state.trace.ended({ type: 'run.finished', answer: turn.text, usage: state.usage });
        return;
      }
      actionSteps += 1;
      yield* this.actionStep(state, turn, chatId, runId);
    }
  }

  private async *modelStep(state: RunState, tools: AgentTool[], system: string, planning: boolean): AsyncGenerator<RunEventBody, ModelTurn> {
    if (state.step >= this.config.run.maxSteps) throw tooManySteps(this.config.run.maxSteps);
    state.step += 1;
    yield { type: 'step.started', step: state.step, planning };
    const stream = streamModelTurn({ model: state.model, system, messages: state.messages, tools, signal: state.signal });
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
    if (allowed < delta.length) throw tooMuchText(this.config.run.maxOutputChars);
  }

  private async *actionStep(state: RunState, turn: ModelTurn, chatId: string, runId: string): AsyncGenerator<RunEventBody> {
    const step = state.step;
    const byName = new Map(state.tools.map((tool) => [tool.name, tool]));
    const outcomes = [];
    for (const call of turn.calls) {
      yield { type: 'tool.call', step, callId: call.callId, tool: call.tool, args: call.args };
      const outcome = await state.trace.toolCall(call, step, () => executeTool(byName, call, { chatId, runId, signal: state.signal }));
      outcomes.push(outcome);
      yield { type: 'tool.result', step, callId: call.callId, tool: call.tool, ok: outcome.ok, output: outcome.output };
      const tool = byName.get(call.tool);
      if (!outcome.ok || !tool) continue;
      const sources = tool.sourcesOf?.(outcome.output) ?? [];
      if (sources.length > 0) yield { type: 'sources', step, sources };
      // A successful call passed the tool's schema, and handoff tools take a `reason`.
      if (tool.handsOff) yield { type: 'handoff', step, reason: (call.args as { reason: string }).reason };
    }
    yield { type: 'step.finished', step, stepType: 'ActionStep', content: actionStepLog(turn.text, outcomes) };
    state.messages.push(...toolMessages(turn.text, outcomes));
  }

  private unexpected(error: unknown, runId: string): AgentError {
    this.logger.error(`run ${runId} failed unexpectedly`, error instanceof Error ? error.stack : String(error));
    return new AgentError(AgentErrorCode.Internal, 'The run failed unexpectedly; the server log has the details');
  }
}

const RUN_OVER = 'the run is over';
/** The longest text one `text.delta` carries: a client's frame and a stored row stay small whatever the provider sends. */
export const MAX_DELTA_CHARS = 8192;

function tooMuchText(limit: number): AgentError {
  return new AgentError(AgentErrorCode.OutputTooLarge, `The answer grew past ${limit} characters (RUN_MAX_OUTPUT_CHARS); the rest was dropped`);
}

function tooManySteps(limit: number): AgentError {
  return new AgentError(AgentErrorCode.OutputTooLarge, `The run needed more than ${limit} model calls (RUN_MAX_STEPS)`);
}

/** `to`, or one before it when `to` would split a surrogate pair (a lone half is not valid JSON text for PostgreSQL). */
function cutAt(text: string, to: number): number {
  if (to >= text.length || to === 0) return to;
  const code = text.charCodeAt(to - 1);
  return code >= 0xd800 && code <= 0xdbff ? to - 1 : to;
}

// Formatted once per millisecond: tokens arrive many to a millisecond, and each needs its timestamp.
let formattedMs = 0;
let formatted = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== formattedMs) {
    formattedMs = now;
    formatted = new Date(now).toISOString();
  }
  return formatted;
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'cancelled';
}
