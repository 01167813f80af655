import { Injectable } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import type { ChatLogEntry, ChatLogType } from '../history/chat-log';
import { HistoryRepository, type StoredChatEvent } from '../history/history.repository';
import { RecentReads } from './recent-reads';

/** One message of the conversation as people saw it; protocols shape it their way. */
export interface ConversationTurn {
  role: 'user' | 'assistant' | 'operator';
  content: string;
  at: Date;
  /** The client's message id (user turns) or the one the answer answers (assistant turns). */
  messageId?: string;
  /** The model that wrote an assistant turn, when the run reported it. */
  model?: string;
  /** The run that wrote an assistant turn (not shown to clients): its end, read later, names the model. */
  runId?: string;
  /** What the client said about its message beyond the text (user turns). */
  meta?: Record<string, unknown>;
}

const TURN_TYPES = ['user.message', 'step.finished', 'operator.message', 'run.finished'] as const satisfies readonly ChatLogType[];
// Roughly: a user message, up to two action or planning steps, the answer and the run's end per turn.
const ENTRIES_PER_TURN = 5;

const MEMORY_TYPES = ['user.message', 'step.finished'] as const satisfies readonly ChatLogType[];
/** Characters of recent chats' memory kept between runs (about 32 MB of strings at most). */
const RECENT_MEMORY_CHARS = 16_000_000;

/** One entry of the memory's window: the message it holds, if any (a planning or action step holds none). */
interface MemoryEntry {
  runId: string | null;
  message: { role: 'user' | 'assistant'; content: string } | null;
}

function memoryEntry(event: StoredChatEvent): MemoryEntry {
  const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
  if (entry.type === 'user.message') return { runId: event.runId, message: { role: 'user', content: entry.payload.content } };
  if (entry.type === 'step.finished' && entry.payload.stepType === 'FinalAnswerStep') {
    return { runId: event.runId, message: { role: 'assistant', content: entry.payload.content } };
  }
  return { runId: event.runId, message: null };
}

/** Reads a chat's log back as the conversation people saw, and as the model's memory. */
@Injectable()
export class ConversationTranscript {
  private readonly recentMemory = new RecentReads<{ window: number; entries: MemoryEntry[] }>(RECENT_MEMORY_CHARS, ({ entries }) =>
    entries.reduce((sum, entry) => sum + (entry.message?.content.length ?? 0), 0),
  );

  constructor(private readonly history: HistoryRepository) {}

  /**
   * User messages, answers and operator replies up to seq `upTo`, oldest first. Given the turns up to an earlier
   * seq (`since`), only the entries after it are read.
   */
  async turns(chatId: string, limit: number, upTo: number, since?: { seq: number; turns: ConversationTurn[] }): Promise<ConversationTurn[]> {
    const page = limit * ENTRIES_PER_TURN;
    const events = await this.history.list(chatId, { types: TURN_TYPES, limit: page, beforeSeq: upTo + 1, afterSeq: since?.seq });
    // A full page of newer entries is the whole window: nothing of the earlier turns belongs.
    return this.toTurns(events, since && events.length < page ? since.turns : []).slice(-limit);
  }

  /** `earlier` followed by the turns of `events`; an answer in `earlier` whose run's end is among them learns its model. */
  private toTurns(events: StoredChatEvent[], earlier: ConversationTurn[]): ConversationTurn[] {
    const turns: ConversationTurn[] = [...earlier];
    const answers = new Map<string, ConversationTurn>();
    // A run's end may come after the seq the earlier turns were read up to, its answer before it.
    for (const turn of earlier) if (turn.runId) answers.set(turn.runId, turn);
    for (const event of events) {
      const entry = { type: event.type, payload: event.payload } as ChatLogEntry;
      const at = event.createdAt;
      if (entry.type === 'user.message') {
        const { messageId, content, meta } = entry.payload;
        turns.push(meta ? { role: 'user', content, at, messageId, meta } : { role: 'user', content, at, messageId });
      }
      if (entry.type === 'operator.message') turns.push({ role: 'operator', content: entry.payload.content, at });
      if (entry.type === 'step.finished' && entry.payload.stepType === 'FinalAnswerStep') {
        const answer: ConversationTurn = { role: 'assistant', content: entry.payload.content, at, messageId: entry.payload.messageId };
        if (event.runId) {
          answer.runId = event.runId;
          answers.set(event.runId, answer);
        }
        turns.push(answer);
      }
      // The run's end comes right after its answer and names the model that wrote it.
      if (entry.type === 'run.finished' && entry.payload.usage && event.runId) {
        const answer = answers.get(event.runId);
        if (answer) answer.model = entry.payload.usage.model;
      }
    }
    return turns;
  }

  /** The client message a run answers. */
  async messageOf(chatId: string, runId: string): Promise<string | null> {
    const [event] = await this.history.list(chatId, { types: ['user.message'], runId, limit: 1 });
    return event ? (event.payload as { messageId: string }).messageId : null;
  }

  /** The run that answered (or answers) a client message id; a greeting has no user message, only its run's start. */
  async runOf(chatId: string, messageId: string): Promise<string | null> {
    const event = await this.history.firstEventWith(chatId, ['user.message', 'run.started'], 'messageId', messageId);
    return event?.runId ?? null;
  }

  /**
   * The last `turns` exchanges (user message → final answer) before the current run, oldest first: from the last
   * `turns × 5` entries of those types, the newest read on from the ones kept since the chat's previous run.
   */
  async memory(chatId: string, turns: number, currentRunId: string): Promise<ModelMessage[]> {
    if (turns === 0) return [];
    const window = turns * ENTRIES_PER_TURN;
    const kept = this.recentMemory.before(chatId, Number.MAX_SAFE_INTEGER);
    const known = kept?.value.window === window ? kept : undefined;
    const later = await this.history.list(chatId, { types: MEMORY_TYPES, limit: window, afterSeq: known?.seq });
    // A full window of newer entries is the whole window.
    const entries = [...(known && later.length < window ? known.value.entries : []), ...later.map(memoryEntry)].slice(-window);
    this.recentMemory.keep(chatId, later.at(-1)?.seq ?? known?.seq ?? 0, { window, entries });
    const messages: ModelMessage[] = [];
    for (const entry of entries) if (entry.message && entry.runId !== currentRunId) messages.push(entry.message);
    return messages.slice(-turns * 2);
  }
}
