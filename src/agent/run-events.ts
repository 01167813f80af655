import type { JournalRef } from './journal-ref';

/** The step kinds of the smolagents vocabulary that every protocol speaks. */
export type StepType = 'PlanningStep' | 'ActionStep' | 'FinalAnswerStep';

export interface Source {
  id: string;
  title: string;
}

export interface ToolCallRecord {
  callId: string;
  tool: string;
  args: unknown;
}

export interface RunFailure {
  code: string;
  message: string;
}

/** What the run's model calls cost, summed over its steps; `model` is the model id the provider reported. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  model: string;
}

/** What happened, without the envelope. One union so adapters can switch over it exhaustively. */
export type RunEventBody =
  /** `route`: an interactive execution (the handler mounted there runs), instead of the agent's own loop. */
  | { type: 'run.started'; agentId: string; input: string; route?: string }
  /** `planning` steps produce a plan, not an answer; protocols that show only answers skip their text. */
  | { type: 'step.started'; step: number; planning: boolean }
  /** `index` runs across the whole run (0, 1, 2, …), so a turn's chunks can be numbered from it. */
  | { type: 'text.delta'; step: number; index: number; delta: string }
  /** In an interactive execution the tools are its actions; `journal` is set there (see journal-ref.ts). */
  | { type: 'tool.call'; step: number; callId: string; tool: string; args: unknown; journal?: JournalRef }
  | { type: 'tool.result'; step: number; callId: string; tool: string; ok: boolean; output: unknown; journal?: JournalRef }
  | { type: 'sources'; step: number; sources: Source[] }
  /** An interactive action asks the client (`waitForInput`) and the run waits, off its clock, for the answer. */
  /** `expiresAt` (epoch ms): the question has a timeout, so its execution must be running to honour it. */
  | { type: 'input.requested'; step: number; requestId: string; payload: unknown; journal?: JournalRef; expiresAt?: number }
  /** The client's answer (or `{type: 'timeout'}`), recorded before the action sees it. */
  | { type: 'input.received'; step: number; requestId: string; input: unknown; journal?: JournalRef }
  | { type: 'notify'; step: number; payload: unknown; journal?: JournalRef }
  | { type: 'handoff'; step: number; reason: string }
  /**
   * A call waits for the user's decision (after its `tool.call`, before its `tool.result`). `stepText` and `stepCalls`
   * are the model's whole step, so a run can be continued from the log alone after a restart.
   */
  | { type: 'approval.requested'; step: number; approvalId: string; callId: string; tool: string; args: unknown; stepText: string; stepCalls: ToolCallRecord[] }
  /** `by`: the token subject who decided, or `timeout` (APPROVAL_TIMEOUT_MS). */
  | { type: 'approval.decided'; step: number; approvalId: string; callId: string; approved: boolean; reason: string; by: string }
  | { type: 'step.finished'; step: number; stepType: StepType; content: string; journal?: JournalRef }
  | { type: 'run.finished'; answer: string; usage?: RunUsage }
  | { type: 'run.failed'; error: RunFailure; usage?: RunUsage }
  | { type: 'run.cancelled'; reason: string; usage?: RunUsage };

export interface RunEnvelope {
  chatId: string;
  runId: string;
  /** 1, 2, 3, … within the run, in emission order. */
  seq: number;
  /** ISO 8601 UTC. */
  at: string;
}

export type RunEvent = RunEnvelope & RunEventBody;
