import type { ModelMessage } from 'ai';
import type { AgentTool } from '../tools/agent-tool';
import type { ToolCallRequest, ToolOutcome } from './tool-executor';

/** A tool call waiting for the user's word. */
export interface ApprovalRequest extends ToolCallRequest {
  approvalId: string;
  step: number;
}

export interface ApprovalDecision {
  approved: boolean;
  /** What the model reads when the call is rejected; kept with an approval too. */
  reason: string;
  /** The token subject who decided, or `timeout`. */
  by: string;
}

/**
 * Supplies the decision for a call (the turn's caller: a person, through some protocol). Must settle by rejecting
 * once `signal` aborts (the run was cancelled, or APPROVAL_TIMEOUT_MS passed).
 */
export type ApprovalDecider = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>;

/** An action step cut short by a restart, as its run's log tells it: continued where it stopped. */
export interface StepProgress {
  /** Calls that ran (or were refused) before the restart, by call id. */
  outcomes: Map<string, ToolOutcome>;
  /** Calls whose approval was asked for and not answered: the same approval id is waited for again. */
  requested: Map<string, string>;
  /** Calls decided but not run yet. */
  decided: Map<string, ApprovalDecision>;
}

/** Where a run continues after a restart (AgentRunner.continueRun). */
export interface RunResume {
  /** The model's context up to the interrupted step: memory, the user message, the earlier steps. */
  messages: ModelMessage[];
  /** The interrupted action step: its number, the model's words and every call it made. */
  step: number;
  text: string;
  calls: ToolCallRequest[];
  progress: StepProgress;
  /** Action steps of the run so far, the interrupted one included (for maxSteps and the planning interval). */
  actionSteps: number;
  /** The next text.delta index, and the characters the run has streamed. */
  deltaIndex: number;
  outputUsed: number;
}

/**
 * Whether a call must wait for approval: the operator named the tool (TOOLS_REQUIRING_APPROVAL) or its code marks it.
 * A call that cannot run (unknown tool, invalid arguments) is refused by the executor without asking anyone, and a
 * predicate that throws asks, as the safe side.
 */
export function requiresApproval(tool: AgentTool | undefined, args: unknown, named: readonly string[]): boolean {
  if (!tool) return false;
  const parsed = tool.inputSchema.safeParse(args);
  if (!parsed.success) return false;
  if (named.includes(tool.name)) return true;
  const marked = tool.needsApproval;
  if (typeof marked !== 'function') return marked === true;
  try {
    return marked(parsed.data);
  } catch {
    return true;
  }
}

/** A rejected call, as the model reads it on its next step. */
export function rejectedOutcome(call: ToolCallRequest, reason: string): ToolOutcome {
  return { ...call, ok: false, output: `The user rejected this call: ${reason}` };
}

/**
 * RUN_TIMEOUT_MS, paused while a person decides: the run's own work is limited, a human's thinking is not. The
 * clock resumes with what was left of the budget.
 */
export class RunClock {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private timer: NodeJS.Timeout | null = null;
  private left: number;
  private startedAt = 0;

  constructor(private readonly budget: number) {
    this.left = budget;
    this.resume();
  }

  /** `fresh`: the work after the wait gets the whole budget again (an interactive answer starts new work). */
  async offTheClock<T>(wait: Promise<T>, fresh = false): Promise<T> {
    this.pause();
    try {
      return await wait;
    } finally {
      if (fresh) this.left = this.budget;
      if (!this.signal.aborted) this.resume();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pause(): void {
    if (!this.timer) return;
    this.stop();
    this.left = Math.max(0, this.left - (Date.now() - this.startedAt));
  }

  private resume(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(() => this.controller.abort(TIMED_OUT), this.left);
    this.timer.unref();
  }
}

const TIMED_OUT = 'the run timed out';
