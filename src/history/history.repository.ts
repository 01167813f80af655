import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
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

  /**
   * Appends events in order and returns them numbered; concurrent writers to one chat never share a seq.
   * No multi-statement transaction: one atomic UPDATE … RETURNING reserves the range (a row lock on
   * PostgreSQL, a single statement on SQLite's one connection), then one multi-row INSERT fills it.
   * A failed insert leaves a gap in the numbering, never a duplicate.
   */
  async append(chatId: string, events: NewChatEvent[]): Promise<StoredChatEvent[]> {
    if (events.length === 0) return [];
    const lastSeq = await this.reserveSeqs(chatId, events.length);
    const createdAt = new Date();
    const first = lastSeq - events.length + 1;
    const rows = events.map((event, index) => ({
      chatId,
      seq: first + index,
      runId: event.runId,
      type: event.type,
      payload: JSON.stringify(event.payload ?? null),
      createdAt,
    }));
    await this.db.getRepository(ChatEvent).insert(rows);
    return rows.map((row, index) => ({ ...row, payload: events[index]!.payload ?? null }));
  }

  private async reserveSeqs(chatId: string, count: number): Promise<number> {
    const [sql, params] = this.db.driver.escapeQueryWithParameters(
      'UPDATE chats SET last_seq = last_seq + :count WHERE id = :chatId RETURNING last_seq',
      { count, chatId },
    );
    const raw = await this.db.query<unknown[]>(sql, params);
    // PostgreSQL answers an UPDATE with [rows, rowCount]; SQLite with the rows alone.
    const rows = (Array.isArray(raw[0]) ? raw[0] : raw) as Array<{ last_seq: number | string }>;
    if (rows.length === 0) throw new Error(`Chat ${chatId} does not exist; claim it before appending`);
    return Number(rows[0]!.last_seq);
  }

  /**
   * Up to `limit` events before `beforeSeq` (all when absent), oldest first; with `types`, only events of
   * those types, so a page holds `limit` of them however many other entries sit between. The filter runs
   * while walking the (chat_id, seq) key backwards: cheap while the wanted types are most of the log.
   */
  async list(chatId: string, options: { limit: number; beforeSeq?: number; types?: readonly string[] }): Promise<StoredChatEvent[]> {
    // `IN ()` is not valid SQL everywhere; an empty type list means no events.
    if (options.types?.length === 0) return [];
    const rows = await this.db.getRepository(ChatEvent).find({
      where: {
        chatId,
        ...(options.types ? { type: In([...options.types]) } : {}),
        ...(options.beforeSeq !== undefined ? { seq: LessThan(options.beforeSeq) } : {}),
      },
      order: { seq: 'DESC' },
      take: options.limit,
    });
    return rows.reverse().map((row) => ({ ...row, payload: JSON.parse(row.payload) as unknown }));
  }
}
