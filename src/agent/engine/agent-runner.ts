import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import { CodedError } from '../../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { AgentTracer } from '../../tracing/agent-tracer';
import { AgentError, AgentErrorCode } from '../agent.error';
import { AgentRegistry } from '../agent.registry';
import { FINAL_ANSWER_INSTRUCTION, GREETING_INSTRUCTION, PLANNING_INSTRUCTION } from '../models/instructions';
import { ModelProvider } from '../models/model-provider';
import type { RunEvent, RunEventBody } from '../run-events';
import { EmitQueue, raced, RunSuspended, type ActionRun } from './action-run';
import { rejectedOutcome, requiresApproval, RunClock, type ApprovalDecider, type ApprovalDecision, type ApprovalRequest, type RunResume, type StepProgress } from './approvals';
import { LiveActionRun } from './live-action-run';
import { ModelSteps, type RunState } from './model-steps';
import { actionStepLog } from './step-log';
import { executeTool, toolMessages, type ToolCallRequest, type ToolOutcome } from './tool-executor';

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
  /** Decides calls that need approval; without it such calls are refused (nobody could approve them). */
  approvals?: ApprovalDecider;
}

/** An interactive execution: the code mounted at `route` runs as the run, instead of the agent's loop. */
export interface ActionRunRequest extends RunRequest {
  runId: string;
  route: string;
  /** Continued after a restart: its `run.started` is in the log already. */
  resumed: boolean;
}

export type ActionProgram = (run: ActionRun) => Promise<void>;

type RunMode = { kind: 'agent'; resume: RunResume | null } | { kind: 'actions'; route: string; program: ActionProgram; resumed: boolean };

/**
 * Runs one turn (user input → steps → answer) and streams neutral run events. Knows no protocol and
 * stores nothing: adapters translate the events, services persist them.
 */
@Injectable()
export class AgentRunner {
  private readonly logger = new Logger('AgentRunner');
  private readonly modelSteps: ModelSteps;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly models: ModelProvider,
    private readonly tracer: AgentTracer,
    private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.modelSteps = new ModelSteps(config.run, metrics);
  }

  run(request: RunRequest): AsyncGenerator<RunEvent> {
    return this.execute(request, { kind: 'agent', resume: null });
  }

  /** Continues a run from its log after a restart: no `run.started`, the interrupted action step first. */
  continueRun(request: RunRequest & { runId: string }, resume: RunResume): AsyncGenerator<RunEvent> {
    return this.execute(request, { kind: 'agent', resume });
  }

  /**
   * Runs an interactive execution's code as a run: its effects are the run's events, its model calls the run's
   * steps (the agent's model, metered and traced as any), RUN_TIMEOUT_MS and RUN_MAX_STEPS hold, and it ends
   * as every run does. A failure with a code keeps it; anything else is `run.internal`, logged here.
   */
  runActions(request: ActionRunRequest, program: ActionProgram): AsyncGenerator<RunEvent> {
    return this.execute(request, { kind: 'actions', route: request.route, program, resumed: request.resumed });
  }

  private async *execute(request: RunRequest, mode: RunMode): AsyncGenerator<RunEvent> {
    const resume = mode.kind === 'agent' ? mode.resume : null;
    const announce = mode.kind === 'agent' ? !resume : !mode.resumed;
    const runId = request.runId ?? randomUUID();
    let seq = 0;
    // Every event passes here once: the one point the metrics read a run from.
    const meter = this.metrics.runMeter(request.protocol ?? 'internal');
    const envelope = (body: RunEventBody): RunEvent => {
      meter.observe(body);
      return { chatId: request.chatId, runId, seq: ++seq, at: isoNow(), ...body };
    };
    const clock = new RunClock(this.config.run.timeoutMs);
    // Ours too, so a consumer that stops iterating early also stops the model request.
    const stopped = new AbortController();
    const signal = AbortSignal.any([clock.signal, stopped.signal, ...(request.signal ? [request.signal] : [])]);
    const started = Date.now();
    let state: RunState | undefined;
    const trace = this.tracer.startRun(request.chatId, runId);
    try {
      const agent = this.registry.get(request.agentId);
      if (announce) yield envelope({ type: 'run.started', agentId: agent.id, input: request.input, ...(mode.kind === 'actions' ? { route: mode.route } : {}) });
      const model = this.models.forAgent(agent);
      trace.agent(agent, model);
      state = {
        agent,
        model,
        tools: this.registry.toolsOf(agent),
        messages: resume?.messages ?? [...(request.history ?? []), { role: 'user', content: request.greeting ? GREETING_INSTRUCTION : request.input }],
        signal,
        clock,
        approvals: request.approvals,
        step: resume?.step ?? 0,
        deltaIndex: resume?.deltaIndex ?? 0,
        outputLeft: this.config.run.maxOutputChars - (resume?.outputUsed ?? 0),
        usage: { inputTokens: 0, outputTokens: 0, model: model.name },
        trace,
      };
      const steps = mode.kind === 'actions' ? this.actionSteps(state, runId, mode.program) : this.steps(state, request.chatId, runId, resume);
      for await (const body of steps) yield envelope(body);
      this.logger.debug(`run ${runId} finished in ${Date.now() - started} ms`);
    } catch (error) {
      // What the model calls cost until here is spent all the same.
      const usage = state ? { usage: state.usage } : {};
      // Stopped to go on elsewhere: no end, the log stays open for the resume.
      if (error instanceof RunSuspended || request.signal?.reason instanceof RunSuspended) {
        meter.suspended();
        return;
      }
      if (request.signal?.aborted) {
        yield envelope(trace.ended({ type: 'run.cancelled', reason: reasonOf(request.signal), ...usage }));
      } else if (clock.signal.aborted) {
        const message = mode.kind === 'actions'
          ? `The interactive agent worked longer than ${this.config.run.timeoutMs} ms without waiting for input (RUN_TIMEOUT_MS)`
          : `The run took longer than ${this.config.run.timeoutMs} ms`;
        yield envelope(trace.ended({ type: 'run.failed', error: { code: AgentErrorCode.RunTimeout, message }, ...usage }));
      } else {
        // Coded errors carry a message meant for clients (an action's input timeout, the log unavailable…).
        const failure: CodedError<string> = error instanceof CodedError ? (error as CodedError<string>) : this.unexpected(error, runId);
        yield envelope(trace.ended({ type: 'run.failed', error: { code: failure.code, message: failure.message }, ...usage }));
      }
    } finally {
      // A reason of our own: the default one is a DOMException, whose stack capture costs more than the rest of this.
      stopped.abort(RUN_OVER);
      clock.stop();
      trace.close();
      meter.close();
    }
  }

  private async *steps(state: RunState, chatId: string, runId: string, resume: RunResume | null): AsyncGenerator<RunEventBody> {
    const { agent } = state;
    if (resume) yield* this.actionStep(state, resume.text, resume.calls, chatId, runId, resume.progress);
    for (let actionSteps = resume?.actionSteps ?? 0; ; ) {
      if (agent.planningInterval && actionSteps % agent.planningInterval === 0) {
        const plan = yield* this.modelSteps.step(state, [], `${agent.systemPrompt}\n\n${PLANNING_INSTRUCTION}`, true);
        yield { type: 'step.finished', step: state.step, stepType: 'PlanningStep', content: plan.text };
        state.messages.push({ role: 'assistant', content: plan.text });
      }
      const outOfSteps = actionSteps >= agent.maxSteps;
      const system = outOfSteps ? `${agent.systemPrompt}\n\n${FINAL_ANSWER_INSTRUCTION}` : agent.systemPrompt;
      const turn = yield* this.modelSteps.step(state, outOfSteps ? [] : state.tools, system, false);
      if (turn.calls.length === 0) {
        yield { type: 'step.finished', step: state.step, stepType: 'FinalAnswerStep', content: turn.text };
        yield state.trace.ended({ type: 'run.finished', answer: turn.text, usage: state.usage });
        return;
      }
      actionSteps += 1;
      yield* this.actionStep(state, turn.text, turn.calls, chatId, runId);
    }
  }

  /** The events of an action run's code, as it emits them; then its end. */
  private async *actionSteps(state: RunState, runId: string, program: ActionProgram): AsyncGenerator<RunEventBody> {
    const queue = new EmitQueue();
    const run = new LiveActionRun(runId, state, queue, {
      complete: (call) => this.modelSteps.complete(state, call, queue),
      generateObject: (call) => this.modelSteps.object(state, call, queue),
    });
    void raced(program(run), state.signal).then(() => queue.end(), (error: unknown) => queue.end(error));
    yield* queue.drain();
    yield state.trace.ended({ type: 'run.finished', answer: run.answer, usage: state.usage });
  }

  private async *actionStep(state: RunState, text: string, calls: ToolCallRequest[], chatId: string, runId: string, progress?: StepProgress): AsyncGenerator<RunEventBody> {
    const step = state.step;
    const byName = new Map(state.tools.map((tool) => [tool.name, tool]));
    const outcomes: ToolOutcome[] = [];
    for (const call of calls) {
      // Ran before a restart: its events are in the log already.
      const earlier = progress?.outcomes.get(call.callId);
      if (earlier) {
        outcomes.push(earlier);
        continue;
      }
      const resumed = progress?.requested.has(call.callId) || progress?.decided.has(call.callId);
      if (!resumed) yield { type: 'tool.call', step, callId: call.callId, tool: call.tool, args: call.args };
      const decision = yield* this.approval(state, { ...call, step, approvalId: '' }, text, calls, progress);
      const outcome = decision && !decision.approved
        ? rejectedOutcome(call, decision.reason)
        : await state.trace.toolCall(call, step, () => executeTool(byName, call, { chatId, runId, signal: state.signal }));
      outcomes.push(outcome);
      yield { type: 'tool.result', step, callId: call.callId, tool: call.tool, ok: outcome.ok, output: outcome.output };
      const tool = byName.get(call.tool);
      if (!outcome.ok || !tool) continue;
      const sources = tool.sourcesOf?.(outcome.output) ?? [];
      if (sources.length > 0) yield { type: 'sources', step, sources };
      // A successful call passed the tool's schema, and handoff tools take a `reason`.
      if (tool.handsOff) yield { type: 'handoff', step, reason: (call.args as { reason: string }).reason };
    }
    yield { type: 'step.finished', step, stepType: 'ActionStep', content: actionStepLog(text, outcomes) };
    state.messages.push(...toolMessages(text, outcomes));
  }

  /** The user's decision on a call that needs one (asked for now, or before a restart); null when it needs none. */
  private async *approval(state: RunState, request: ApprovalRequest, text: string, calls: ToolCallRequest[], progress?: StepProgress): AsyncGenerator<RunEventBody, ApprovalDecision | null> {
    const known = progress?.decided.get(request.callId);
    if (known) return known;
    let approvalId = progress?.requested.get(request.callId);
    if (!approvalId) {
      const tool = state.tools.find((candidate) => candidate.name === request.tool);
      if (!requiresApproval(tool, request.args, this.config.approvals.tools)) return null;
      approvalId = randomUUID();
      const { step, callId, tool: name, args } = request;
      yield { type: 'approval.requested', step, approvalId, callId, tool: name, args, stepText: text, stepCalls: calls.map(({ callId: id, tool: t, args: a }) => ({ callId: id, tool: t, args: a })) };
    }
    const decision = await this.decide(state, { ...request, approvalId });
    yield { type: 'approval.decided', step: request.step, approvalId, callId: request.callId, ...decision };
    return decision;
  }

  /** Waits off the run's clock; APPROVAL_TIMEOUT_MS, when set, turns silence into a rejection the model reads. */
  private async decide(state: RunState, request: ApprovalRequest): Promise<ApprovalDecision> {
    if (!state.approvals) return { approved: false, reason: 'nobody can approve calls in this kind of run', by: 'server' };
    const limitMs = this.config.approvals.timeoutMs;
    const expiry = limitMs > 0 ? AbortSignal.timeout(limitMs) : null;
    const signal = expiry ? AbortSignal.any([state.signal, expiry]) : state.signal;
    try {
      return await state.clock.offTheClock(state.approvals(request, signal));
    } catch (error) {
      if (expiry?.aborted && !state.signal.aborted) return { approved: false, reason: `no decision came within ${limitMs} ms`, by: 'timeout' };
      throw error;
    }
  }

  private unexpected(error: unknown, runId: string): AgentError {
    this.logger.error(`run ${runId} failed unexpectedly`, error instanceof Error ? error.stack : String(error));
    return new AgentError(AgentErrorCode.Internal, 'The run failed unexpectedly; the server log has the details');
  }
}

const RUN_OVER = 'the run is over';
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
