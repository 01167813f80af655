import { Injectable } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import type { ChatLogEntry, ChatLogType } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';

export interface ConversationTurn {
  role: 'user' | 'assistant' | 'operator';
  content: string;
  /** ISO 8601 UTC. */
  timestamp: string;
}

const TURN_TYPES = ['user.message', 'step.finished', 'operator.message'] as const satisfies readonly ChatLogType[];
// Roughly: a user message, up to two action or planning steps and the answer per turn.
const ENTRIES_PER_TURN = 4;

/** Reads a chat's log back as the conversation people saw, and as the model's memory. */
@Injectable()
export class ConversationTranscript {
  constructor(private readonly history: HistoryRepository) {}

  /** User messages, answers and operator replies up to seq `upTo`, oldest first. */
  async turns(chatId: string, limit: number, upTo: number): Promise<ConversationTurn[]> {
    const events = await this.history.list(chatId, { types: TURN_TYPES, limit: limit * ENTRIES_PER_TURN, beforeSeq: upTo + 1 });
    const turns: ConversationTurn[] = [];
    for (const event of events) {
      const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
      const timestamp = event.createdAt.toISOString();
      if (entry.type === 'user.message') turns.push({ role: 'user', content: entry.payload.content, timestamp });
      if (entry.type === 'operator.message') turns.push({ role: 'operator', content: entry.payload.content, timestamp });
      if (entry.type === 'step.finished' && entry.payload.stepType === 'FinalAnswerStep') {
        turns.push({ role: 'assistant', content: entry.payload.content, timestamp });
      }
    }
    return turns.slice(-limit);
  }

  /** The client message a run answers. */
  async messageOf(chatId: string, runId: string): Promise<string | null> {
    const [event] = await this.history.list(chatId, { types: ['user.message'], runId, limit: 1 });
    return event ? (event.payload as { messageId: string }).messageId : null;
  }

  /** The last `turns` exchanges (user message → final answer) before the current run, oldest first. */
  async memory(chatId: string, turns: number, currentRunId: string): Promise<ModelMessage[]> {
    if (turns === 0) return [];
    const events = await this.history.list(chatId, { types: ['user.message', 'step.finished'], limit: turns * ENTRIES_PER_TURN });
    const messages: ModelMessage[] = [];
    for (const event of events) {
      if (event.runId === currentRunId) continue;
      const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
      if (entry.type === 'user.message') messages.push({ role: 'user', content: entry.payload.content });
      if (entry.type === 'step.finished' && entry.payload.stepType === 'FinalAnswerStep') {
        messages.push({ role: 'assistant', content: entry.payload.content });
      }
    }
    return messages.slice(-turns * 2);
  }
}
