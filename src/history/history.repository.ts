import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { ChatEvent } from './chat-event.entity';
import { Chat } from './chat.entity';

export interface NewChatEvent {
  type: string;
  runId: string | null;
  payload: unknown;
}

export interface StoredChatEvent {
  chatId: string;
  seq: number;
  runId: string | null;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/** All SQL for chats and their event log; the same statements run on SQLite and PostgreSQL. */
@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The chat's owner, claiming the chat for `ownerId` when nobody has used the id yet (race-safe). */
  async claimChat(chatId: string, ownerId: string): Promise<string> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(Chat)
      .values({ id: chatId, ownerId, lastSeq: 0, createdAt: new Date() })
      .orIgnore()
      .execute();
    const chat = await this.db.getRepository(Chat).findOneByOrFail({ id: chatId });
    return chat.ownerId;
  }

  async findOwner(chatId: string): Promise<string | null> {
    const chat = await this.db.getRepository(Chat).findOne({ where: { id: chatId }, select: { id: true, ownerId: true } });
    return chat?.ownerId ?? null;
  }

  /** Appends events in order and returns them numbered; concurrent writers to one chat never share a seq. */
  async append(chatId: string, events: NewChatEvent[]): Promise<StoredChatEvent[]> {
    if (events.length === 0) return [];
    return this.db.transaction(async (manager) => {
      // The UPDATE takes the chat row's write lock first, so the range it reserves is ours alone.
      await manager.increment(Chat, { id: chatId }, 'lastSeq', events.length);
      const { lastSeq } = await manager.getRepository(Chat).findOneOrFail({ where: { id: chatId }, select: { lastSeq: true, id: true } });
      const createdAt = new Date();
      const first = lastSeq - events.length + 1;
      const rows = events.map((event, index) => ({
        chatId,
        seq: first + index,
        runId: event.runId,
        type: event.type,
        payload: JSON.stringify(event.payload),
        createdAt,
      }));
      await manager.insert(ChatEvent, rows);
      return rows.map((row, index) => ({ ...row, payload: events[index].payload }));
    });
  }

  /** Up to `limit` events before `beforeSeq` (all when absent), oldest first. */
  async list(chatId: string, options: { limit: number; beforeSeq?: number }): Promise<StoredChatEvent[]> {
    const rows = await this.db.getRepository(ChatEvent).find({
      where: { chatId, ...(options.beforeSeq !== undefined ? { seq: LessThan(options.beforeSeq) } : {}) },
      order: { seq: 'DESC' },
      take: options.limit,
    });
    return rows.reverse().map((row) => ({ ...row, payload: JSON.parse(row.payload) as unknown }));
  }
}
