import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, MoreThan, Not, Raw, type FindOptionsWhere } from 'typeorm';
import { ChatEvent } from './chat-event.entity';
import { Chat } from './chat.entity';
import { logWritesFor, type LogWrites } from './log-writes';

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
  private writes: LogWrites | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The chat's owner, claiming the chat for `ownerId` when nobody has used the id yet (race-safe). */
  async claimChat(chatId: string, ownerId: string): Promise<string> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(Chat)
      .values({ id: chatId, ownerId, lastSeq: 0, createdAt: new Date(), writerFence: 0 })
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
   * Records `fence` as the chat's writer, shutting out every older lease, and returns the last seq
   * stored; null when the chat does not exist or a newer lease already wrote it.
   */
  async fence(chatId: string, fence: number): Promise<number | null> {
    const [sql, params] = this.db.driver.escapeQueryWithParameters(
      'UPDATE chats SET writer_fence = :fence WHERE id = :chatId AND writer_fence < :fence RETURNING last_seq',
      { fence, chatId },
    );
    const raw = await this.db.query<unknown[]>(sql, params);
    // PostgreSQL answers an UPDATE with [rows, rowCount]; SQLite with the rows alone.
    const rows = (Array.isArray(raw[0]) ? raw[0] : raw) as Array<{ last_seq: number | string }>;
    return rows.length === 0 ? null : Number(rows[0]!.last_seq);
  }

  /**
   * Stores events the lease holder numbered; false (nothing stored) when a newer lease fenced it out.
   * `activeRun` records the run now in flight (a string), that none is (null), or leaves it (undefined).
   * One transaction; the primary key refuses a seq stored twice.
   */
  async write(chatId: string, fence: number, events: StoredChatEvent[], activeRun?: string | null): Promise<boolean> {
    if (events.length === 0 && activeRun === undefined) return true;
    this.writes ??= logWritesFor(this.db);
    return this.writes.write(chatId, fence, events, activeRun);
  }

  /** Up to `limit` events after `afterSeq` (and before `beforeSeq` when given), oldest first. */
  async listAfter(chatId: string, afterSeq: number, options: { limit: number; beforeSeq?: number }): Promise<StoredChatEvent[]> {
    const seq = options.beforeSeq === undefined ? MoreThan(afterSeq) : Between(afterSeq, options.beforeSeq);
    const rows = await this.db.getRepository(ChatEvent).find({ where: { chatId, seq }, order: { seq: 'ASC' }, take: options.limit });
    return rows.map(toStored);
  }

  /**
   * Up to `limit` events before `beforeSeq` (all when absent), oldest first; with `types`, only events of
   * those types, so a page holds `limit` of them however many other entries sit between. The filter runs
   * while walking the (chat_id, seq) key backwards: cheap while the wanted types are most of the log.
   */
  async list(chatId: string, options: { limit: number; beforeSeq?: number; types?: readonly string[]; runId?: string }): Promise<StoredChatEvent[]> {
    // `IN ()` is not valid SQL everywhere; an empty type list means no events.
    if (options.types?.length === 0) return [];
    const where: FindOptionsWhere<ChatEvent> = { chatId };
    if (options.types) where.type = In([...options.types]);
    if (options.beforeSeq !== undefined) where.seq = LessThan(options.beforeSeq);
    if (options.runId !== undefined) where.runId = options.runId;
    const rows = await this.db.getRepository(ChatEvent).find({ where, order: { seq: 'DESC' }, take: options.limit });
    return rows.reverse().map(toStored);
  }

  /** Whether the chat logged an event of one of `types` whose payload's `key` is `value`. */
  async hasEventWith(chatId: string, types: readonly [string, ...string[]], key: string, value: string): Promise<boolean> {
    return (await this.firstEventWith(chatId, types, key, value)) !== null;
  }

  /**
   * The first event of one of `types` whose payload's `key` is `value`. LIKE on the JSON text finds the
   * candidates (it ignores ASCII case on SQLite), the parsed payload decides.
   */
  async firstEventWith(chatId: string, types: readonly [string, ...string[]], key: string, value: string): Promise<StoredChatEvent | null> {
    const pattern = `%${escapeLike(`${JSON.stringify(key)}:${JSON.stringify(value)}`)}%`;
    const rows = await this.db.getRepository(ChatEvent).find({
      where: { chatId, type: In([...types]), payload: Raw((alias) => `${alias} LIKE :pattern ESCAPE '\\'`, { pattern }) },
      order: { seq: 'ASC' },
    });
    const row = rows.find((candidate) => (JSON.parse(candidate.payload) as Record<string, unknown>)[key] === value);
    return row ? toStored(row) : null;
  }

  async event(chatId: string, seq: number): Promise<StoredChatEvent | null> {
    const row = await this.db.getRepository(ChatEvent).findOneBy({ chatId, seq });
    return row ? toStored(row) : null;
  }

  async lastSeq(chatId: string): Promise<number> {
    const chat = await this.db.getRepository(Chat).findOne({ where: { id: chatId }, select: { id: true, lastSeq: true } });
    return chat?.lastSeq ?? 0;
  }

  async activeRun(chatId: string): Promise<string | null> {
    const chat = await this.db.getRepository(Chat).findOne({ where: { id: chatId }, select: { id: true, activeRun: true } });
    return chat?.activeRun ?? null;
  }

  /** Chats whose log says a run or an interactive execution is in flight. */
  async activeRuns(limit: number): Promise<Array<{ chatId: string; activeRun: string }>> {
    const chats = await this.db.getRepository(Chat).find({
      where: { activeRun: Not(IsNull()) },
      select: { id: true, activeRun: true },
      take: limit,
    });
    return chats.map((chat) => ({ chatId: chat.id, activeRun: chat.activeRun! }));
  }
}

/** `after < seq < before`. */
function Between(after: number, before: number) {
  return Raw((alias) => `${alias} > :after AND ${alias} < :before`, { after, before });
}

/** LIKE's wildcards, and the backslash the query names as its escape, taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function toStored(row: ChatEvent): StoredChatEvent {
  return { chatId: row.chatId, seq: row.seq, runId: row.runId, type: row.type, payload: JSON.parse(row.payload) as unknown, createdAt: row.createdAt };
}
