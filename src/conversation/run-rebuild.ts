import { Inject, Injectable } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import type { ApprovalDecision, RunResume, StepProgress } from '../agent/engine/approvals';
import { toolMessages, type ToolOutcome } from '../agent/engine/tool-executor';
import { GREETING_INSTRUCTION } from '../agent/models/instructions';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isRunEnd, type ChatLogEntry, type ChatLogType } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';
import { ConversationTranscript } from './conversation-transcript';

/** A run to continue after a restart, rebuilt from its log. */
export interface ResumedRun {
  runId: string;
  messageId: string;
  agentId: string;
  resume: RunResume;
}

const RUN_TYPES = [
  'user.message', 'run.started', 'tool.call', 'tool.result', 'step.finished', 'approval.requested', 'approval.decided', 'run.finished', 'run.failed', 'run.cancelled',
] as const satisfies readonly ChatLogType[];
const MAX_RUN_ENTRIES = 10000;
const EXECUTION_LOGS = 'Execution logs:';

/**
 * Reads a run that stopped while waiting for an approval back into what the model saw: the memory before it (as
 * the turn built it), the user message, each earlier step's words, calls and results, and the interrupted step.
 * A turn started with a client's own context (interact's turnsHistory) continues on the stored memory instead.
 */
@Injectable()
export class RunRebuild {
  constructor(
    private readonly history: HistoryRepository,
    private readonly transcript: ConversationTranscript,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Null when the run does not wait on an approval (it is then interrupted as any other). */
  async rebuild(chatId: string, runId: string): Promise<ResumedRun | null> {
    const entries = (await this.history.list(chatId, { runId, types: RUN_TYPES, limit: MAX_RUN_ENTRIES })).map((event) => ({ type: event.type, payload: event.payload }) as ChatLogEntry);
    const started = entries.find((entry) => entry.type === 'run.started');
    const pending = entries.findLast((entry) => entry.type === 'approval.requested');
    if (!started || !pending || entries.some((entry) => isRunEnd(entry.type))) return null;
    const step = pending.payload.step;
    if (entries.some((entry) => entry.type === 'step.finished' && entry.payload.step === step)) return null;
    const user = entries.find((entry) => entry.type === 'user.message');
    const memory = await this.transcript.memory(chatId, this.config.chat.memoryTurns, runId);
    const messages: ModelMessage[] = [...memory, { role: 'user', content: user ? user.payload.content : GREETING_INSTRUCTION }];
    const args = new Map<string, unknown>();
    const outcomes = new Map<number, ToolOutcome[]>();
    const progress: StepProgress = { outcomes: new Map(), requested: new Map(), decided: new Map() };
    let actionSteps = 1;
    let outputUsed = pending.payload.stepText.length;
    for (const entry of entries) {
      if (entry.type === 'tool.call') args.set(entry.payload.callId, entry.payload.args);
      if (entry.type === 'tool.result') {
        const { callId, tool, ok, output } = entry.payload;
        const outcome = { callId, tool, ok, output, args: args.get(callId) ?? null };
        outcomes.set(entry.payload.step, [...(outcomes.get(entry.payload.step) ?? []), outcome]);
        if (entry.payload.step === step) progress.outcomes.set(callId, outcome);
      }
      if (entry.type === 'approval.requested' && entry.payload.step === step) progress.requested.set(entry.payload.callId, entry.payload.approvalId);
      if (entry.type === 'approval.decided' && entry.payload.step === step) {
        const { approved, reason, by, callId } = entry.payload;
        progress.requested.delete(callId);
        if (!progress.outcomes.has(callId)) progress.decided.set(callId, { approved, reason, by } satisfies ApprovalDecision);
      }
      if (entry.type !== 'step.finished') continue;
      const { stepType, content } = entry.payload;
      if (stepType === 'PlanningStep') {
        messages.push({ role: 'assistant', content });
        outputUsed += content.length;
      }
      if (stepType !== 'ActionStep') continue;
      const text = wordsOf(content);
      outputUsed += text.length;
      messages.push(...toolMessages(text, outcomes.get(entry.payload.step) ?? []));
      actionSteps += 1;
    }
    const calls = pending.payload.stepCalls;
    const messageId = user?.payload.messageId ?? pending.payload.messageId;
    const deltas = await this.history.list(chatId, { runId, types: ['text.delta'], limit: 1 });
    const deltaIndex = deltas[0] ? (deltas[0].payload as { index: number }).index + 1 : 0;
    const resume: RunResume = { messages, step, text: pending.payload.stepText, calls, progress, actionSteps, deltaIndex, outputUsed };
    return { runId, messageId, agentId: started.payload.agentId, resume };
  }
}

/** The model's words of an action step: its log without the execution lines (see actionStepLog). */
function wordsOf(content: string): string {
  if (content.startsWith(EXECUTION_LOGS)) return '';
  const at = content.indexOf(`\n${EXECUTION_LOGS}`);
  return at === -1 ? content : content.slice(0, at);
}
