import { Injectable } from '@nestjs/common';
import { assertChatId } from '../chat/chat.error';
import type { ChatLogEntry, ChatLogType } from './chat-log';
import type { HistoryEntry } from './history-entry.dto';
import { HistoryRepository, type StoredChatEvent } from './history.repository';

/** The log entry types that are history items; the rest (deltas, tool calls, run ends, …) are for live clients and audit. */
const HISTORY_TYPES = ['user.message', 'step.finished'] as const satisfies readonly ChatLogType[];
type HistoryLogEntry = Extract<ChatLogEntry, { type: (typeof HISTORY_TYPES)[number] }>;

export interface HistoryPageRequest {
  limit: number;
  before?: number;
}

export interface HistoryPage {
  /** Oldest first. */
  items: HistoryEntry[];
  /** The `before` cursor for the next older page; null on the last page. */
  nextBefore: number | null;
}

// Owners are only ever inserted (a chat is claimed once, never reassigned or deleted), so a known one stays true.
const OWNER_CACHE_SIZE = 50_000;

@Injectable()
export class HistoryService {
  private readonly owners = new Map<string, string>();

  constructor(private readonly history: HistoryRepository) {}

  /** The chat's owner, claiming it for `sub` when nobody has used the id yet; known owners cost no query. */
  async claim(chatId: string, sub: string): Promise<string> {
    return this.owners.get(chatId) ?? this.remember(chatId, await this.history.claimChat(chatId, sub));
  }

  /** The chat's owner, or null for a chat nobody has used yet. */
  async ownerOf(chatId: string): Promise<string | null> {
    const known = this.owners.get(chatId);
    if (known !== undefined) return known;
    const owner = await this.history.findOwner(chatId);
    return owner === null ? null : this.remember(chatId, owner);
  }

  /** The newest `limit` history items of a chat the caller owns, before the cursor when given. */
  async page(callerSub: string, chatId: string, request: HistoryPageRequest): Promise<HistoryPage> {
    assertChatId(chatId);
    // Unknown and foreign chats read as empty, like the original server's, so a caller cannot probe which ids exist.
    if ((await this.ownerOf(chatId)) !== callerSub) return { items: [], nextBefore: null };
    // One row more than asked tells whether an older page exists without a second query.
    const rows = await this.history.list(chatId, { types: HISTORY_TYPES, limit: request.limit + 1, beforeSeq: request.before });
    const hasOlder = rows.length > request.limit;
    const page = hasOlder ? rows.slice(1) : rows;
    return { items: page.map(toEntry), nextBefore: hasOlder ? page[0]!.seq : null };
  }

  private remember(chatId: string, owner: string): string {
    if (this.owners.size >= OWNER_CACHE_SIZE) this.owners.delete(this.owners.keys().next().value!);
    this.owners.set(chatId, owner);
    return owner;
  }
}

function toEntry(event: StoredChatEvent): HistoryEntry {
  // The log is written only through ChatLogEntry-typed code, and list() returned only these types.
  const entry = { type: event.type, payload: event.payload } as HistoryLogEntry;
  const timestamp = event.createdAt.toISOString();
  switch (entry.type) {
    case 'user.message':
      return { role: 'user', content: entry.payload.content, message_id: entry.payload.messageId, step_type: null, timestamp };
    case 'step.finished':
      return { role: 'agent', content: entry.payload.content, message_id: entry.payload.messageId, step_type: entry.payload.stepType, timestamp };
  }
}
