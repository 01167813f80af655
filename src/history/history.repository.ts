import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConversationStatus } from './chat.entity';
import { logWritesFor, type LogWrites } from './log-writes';
import { plainSqlFor } from './plain-sql';

export interface StoredChatEvent {
  chatId: string;
  seq: number;
  runId: string | null;
  type: string;
  payload: unknown;
  createdAt: Date;
}

export interface FencedChat {
  lastSeq: number;
  status: ConversationStatus;
}

/** All SQL for chats and their event log; the same statements run on SQLite and PostgreSQL. */
@Injectable()
export class HistoryRepository {
  private writes: LogWrites | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The chat's owner, claiming the chat for `ownerId` when nobody has used the id yet (race-safe). */
  async claimChat(chatId: string, ownerId: string): Promise<string> {
    // Every upgrade to a new chat runs this: plain SQL, one statement when the chat is new.
    const claimed = await this.rows<{ owner_id: string }>(
      'INSERT INTO chats (id, owner_id, last_seq, created_at_ms, writer_fence) VALUES (:chatId, :ownerId, 0, :now, 0) ON CONFLICT (id) DO NOTHING RETURNING owner_id',
      { chatId, ownerId, now: Date.now() },
    );
    return claimed[0]?.owner_id ?? (await this.findOwner(chatId))!;
  }

  async findOwner(chatId: string): Promise<string | null> {
    const [chat] = await this.rows<{ owner_id: string }>('SELECT owner_id FROM chats WHERE id = :chatId', { chatId });
    return chat?.owner_id ?? null;
  }

  /**
   * Records `fence` as the chat's writer, shutting out every older lease, and returns the last seq stored with
   * the chat's status (read in the same statement: the first turn of a writer needs it, and a read of its own was
   * a statement more per turn); null when the chat does not exist or a newer lease already wrote it.
   */
  async fence(chatId: string, fence: number): Promise<FencedChat | null> {
    const rows = await this.rows<{ last_seq: number | string; status: ConversationStatus }>(
      'UPDATE chats SET writer_fence = :fence WHERE id = :chatId AND writer_fence < :fence RETURNING last_seq, status',
      { fence, chatId },
    );
    return rows.length === 0 ? null : { lastSeq: Number(rows[0]!.last_seq), status: rows[0]!.status };
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
    const before = options.beforeSeq === undefined ? '' : ' AND seq < :before';
    const sql = `SELECT ${EVENT_COLUMNS} FROM chat_events WHERE chat_id = :chatId AND seq > :after${before} ORDER BY seq ASC LIMIT :limit`;
    return this.events(sql, { chatId, after: afterSeq, before: options.beforeSeq, limit: options.limit });
  }

  /**
   * Up to `limit` events before `beforeSeq` (all when absent), oldest first; with `types`, only events of
   * those types, so a page holds `limit` of them however many other entries sit between. The filter runs
   * while walking the (chat_id, seq) key backwards: cheap while the wanted types are most of the log.
   */
  async list(chatId: string, options: { limit: number; beforeSeq?: number; afterSeq?: number; types?: readonly string[]; runId?: string }): Promise<StoredChatEvent[]> {
    // `IN ()` is not valid SQL everywhere; an empty type list means no events.
    if (options.types?.length === 0) return [];
    const filters = [
      // The second term lets the planner use the partial index of non-delta entries (when no delta is asked for).
      options.types ? ` AND type IN (:...types)${options.types.includes('text.delta') ? '' : ` AND type <> 'text.delta'`}` : '',
      options.beforeSeq === undefined ? '' : ' AND seq < :before',
      options.afterSeq === undefined ? '' : ' AND seq > :after',
      options.runId === undefined ? '' : ' AND run_id = :runId',
    ].join('');
    const sql = `SELECT ${EVENT_COLUMNS} FROM chat_events WHERE chat_id = :chatId${filters} ORDER BY seq DESC LIMIT :limit`;
    const rows = await this.events(sql, { chatId, types: options.types, before: options.beforeSeq, after: options.afterSeq, runId: options.runId, limit: options.limit });
    return rows.reverse();
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
    const candidates = await this.events(
      `SELECT ${EVENT_COLUMNS} FROM chat_events WHERE chat_id = :chatId AND type IN (:...types) AND payload LIKE :pattern ESCAPE '\\' ORDER BY seq ASC`,
      { chatId, types, pattern },
    );
    return candidates.find((candidate) => (candidate.payload as Record<string, unknown>)[key] === value) ?? null;
  }

  async event(chatId: string, seq: number): Promise<StoredChatEvent | null> {
    const [event] = await this.events(`SELECT ${EVENT_COLUMNS} FROM chat_events WHERE chat_id = :chatId AND seq = :seq`, { chatId, seq });
    return event ?? null;
  }

  async lastSeq(chatId: string): Promise<number> {
    const [chat] = await this.rows<{ last_seq: number | string }>('SELECT last_seq FROM chats WHERE id = :chatId', { chatId });
    return chat ? Number(chat.last_seq) : 0;
  }

  async activeRun(chatId: string): Promise<string | null> {
    const [chat] = await this.rows<{ active_run: string | null }>('SELECT active_run FROM chats WHERE id = :chatId', { chatId });
    return chat?.active_run ?? null;
  }

  /** Chats whose log says a run or an interactive execution is in flight, by id after `afterId` (a page at a time). */
  async activeRuns(limit: number, afterId = ''): Promise<Array<{ chatId: string; activeRun: string }>> {
    const chats = await this.rows<{ id: string; active_run: string }>(
      'SELECT id, active_run FROM chats WHERE active_run IS NOT NULL AND id > :afterId ORDER BY id LIMIT :limit',
      { afterId, limit },
    );
    return chats.map((chat) => ({ chatId: chat.id, activeRun: chat.active_run }));
  }

  /**
   * The log's reads in plain SQL: they run on every turn and every reconnect, and the query builder's own
   * work cost more than the database's. Named parameters are bound by the driver, never spliced in.
   */
  private rows<T>(sql: string, parameters: Record<string, unknown>): Promise<T[]> {
    return plainSqlFor(this.db).rows<T>(sql, parameters);
  }

  private async events(sql: string, parameters: Record<string, unknown>): Promise<StoredChatEvent[]> {
    return (await this.rows<EventRow>(sql, parameters)).map(fromRow);
  }
}

/** LIKE's wildcards, and the backslash the query names as its escape, taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

const EVENT_COLUMNS = 'chat_id, seq, run_id, type, payload, created_at_ms';

interface EventRow {
  chat_id: string;
  seq: number;
  run_id: string | null;
  type: string;
  payload: string;
  // node-pg returns bigint as a string.
  created_at_ms: number | string;
}

function fromRow(row: EventRow): StoredChatEvent {
  return { chatId: row.chat_id, seq: row.seq, runId: row.run_id, type: row.type, payload: JSON.parse(row.payload) as unknown, createdAt: new Date(Number(row.created_at_ms)) };
}

