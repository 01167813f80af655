import { Injectable } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import type { RunEvent } from '../agent/run-events';
import type { ChatLogEntry } from '../history/chat-log';
import { HistoryRepository, type NewChatEvent, type StoredChatEvent } from '../history/history.repository';

export interface ConversationTurn {
  role: 'user' | 'assistant' | 'operator';
  content: string;
  /** ISO 8601 UTC. */
  timestamp: string;
}

type StepFinished = Extract<RunEvent, { type: 'step.finished' }>;
type RunEnded = Extract<RunEvent, { type: 'run.finished' | 'run.failed' | 'run.cancelled' }>;

// Roughly: a user message, up to two action or planning steps and the answer per turn.
const ENTRIES_PER_TURN = 4;

/** Writes a chat's turns into its event log and reads them back as the model's memory. */
@Injectable()
export class ConversationTranscript {
  constructor(private readonly history: HistoryRepository) {}

  userMessage(chatId: string, runId: string, messageId: string, content: string): Promise<unknown> {
    return this.write(chatId, runId, { type: 'user.message', payload: { messageId, content } });
  }

  private step(event: StepFinished, messageId: string): Promise<unknown> {
    return this.write(event.chatId, event.runId, {
      type: 'agent.step',
      payload: { messageId, runId: event.runId, stepType: event.stepType, content: event.content },
    });
  }

  /** Stores what a run event contributes to the log: steps and the run's end; deltas are never stored. */
  async record(event: RunEvent, messageId: string): Promise<void> {
    if (event.type === 'step.finished') await this.step(event, messageId);
    else if (event.type === 'run.finished' || event.type === 'run.failed' || event.type === 'run.cancelled') await this.ended(event, messageId);
  }

  private ended(event: RunEnded, messageId: string): Promise<unknown> {
    const base = { messageId, runId: event.runId };
    const payload =
      event.type === 'run.finished'
        ? { ...base, outcome: 'finished' as const }
        : event.type === 'run.failed'
          ? { ...base, outcome: 'failed' as const, error: event.error.message }
          : { ...base, outcome: 'cancelled' as const, error: event.reason };
    return this.write(event.chatId, event.runId, { type: 'run.ended', payload });
  }

  /** Stores an operator's reply; returns when it was stored. */
  async operatorMessage(chatId: string, operatorId: string, content: string): Promise<Date> {
    const [stored] = await this.write(chatId, null, { type: 'operator.message', payload: { operatorId, content } });
    return stored!.createdAt;
  }

  statusChanged(chatId: string, status: 'active' | 'handoff', by: string): Promise<unknown> {
    return this.write(chatId, null, { type: 'status.changed', payload: { status, by } });
  }

  /** The conversation as people saw it: user messages, answers and operator replies, oldest first. */
  async turns(chatId: string, limit: number): Promise<ConversationTurn[]> {
    const events = await this.history.list(chatId, { types: ['user.message', 'agent.step', 'operator.message'], limit: limit * ENTRIES_PER_TURN });
    const turns: ConversationTurn[] = [];
    for (const event of events) {
      const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
      const timestamp = event.createdAt.toISOString();
      if (entry.type === 'user.message') turns.push({ role: 'user', content: entry.payload.content, timestamp });
      if (entry.type === 'operator.message') turns.push({ role: 'operator', content: entry.payload.content, timestamp });
      if (entry.type === 'agent.step' && entry.payload.stepType === 'FinalAnswerStep') {
        turns.push({ role: 'assistant', content: entry.payload.content, timestamp });
      }
    }
    return turns.slice(-limit);
  }

  /** The last `turns` exchanges (user message → final answer) before the current run, oldest first. */
  async memory(chatId: string, turns: number, currentRunId: string): Promise<ModelMessage[]> {
    if (turns === 0) return [];
    const events = await this.history.list(chatId, { types: ['user.message', 'agent.step'], limit: turns * ENTRIES_PER_TURN });
    const messages: ModelMessage[] = [];
    for (const event of events) {
      if (event.runId === currentRunId) continue;
      const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
      if (entry.type === 'user.message') messages.push({ role: 'user', content: entry.payload.content });
      if (entry.type === 'agent.step' && entry.payload.stepType === 'FinalAnswerStep') {
        messages.push({ role: 'assistant', content: entry.payload.content });
      }
    }
    return messages.slice(-turns * 2);
  }

  private write(chatId: string, runId: string | null, entry: ChatLogEntry): Promise<StoredChatEvent[]> {
    const event: NewChatEvent = { type: entry.type, runId, payload: entry.payload };
    return this.history.append(chatId, [event]);
  }
}
