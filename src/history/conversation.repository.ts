import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Chat, type ConversationStatus } from './chat.entity';
import { plainSqlFor } from './plain-sql';

export interface ConversationState {
  id: string;
  ownerId: string;
  status: ConversationStatus;
  bucket: string | null;
  convoData: Record<string, unknown> | null;
  createdAt: Date;
}

/** All SQL for a conversation's own state (status, bucket, client data); the event log is HistoryRepository's. */
@Injectable()
export class ConversationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(chatId: string): Promise<ConversationState | null> {
    const chat = await this.db.getRepository(Chat).findOneBy({ id: chatId });
    return chat ? toState(chat) : null;
  }

  /** Read before every turn: plain SQL, as the query builder would cost more than the query. */
  async status(chatId: string): Promise<ConversationStatus | null> {
    const [chat] = await plainSqlFor(this.db).rows<{ status: ConversationStatus }>('SELECT status FROM chats WHERE id = :chatId', { chatId });
    return chat?.status ?? null;
  }

  /** Moves a conversation between statuses; false when it was not in `from` (nothing changed). */
  async transition(chatId: string, from: ConversationStatus, to: ConversationStatus): Promise<boolean> {
    const result = await this.db.getRepository(Chat).update({ id: chatId, status: from }, { status: to });
    return (result.affected ?? 0) > 0;
  }

  /** Sets the bucket, and the client data when given (absent: the stored data stays). */
  async describe(chatId: string, details: { bucket: string; convoData?: object }): Promise<void> {
    const convoData = details.convoData === undefined ? {} : { convoData: JSON.stringify(details.convoData) };
    await this.db.getRepository(Chat).update({ id: chatId }, { bucket: details.bucket, ...convoData });
  }

  /** Conversations in a status, oldest first, for the operator queue. */
  async listByStatus(status: ConversationStatus, limit: number): Promise<ConversationState[]> {
    const chats = await this.db.getRepository(Chat).find({ where: { status }, order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
    return chats.map(toState);
  }
}

function toState(chat: Chat): ConversationState {
  return {
    id: chat.id,
    ownerId: chat.ownerId,
    status: chat.status,
    bucket: chat.bucket,
    convoData: chat.convoData ? (JSON.parse(chat.convoData) as Record<string, unknown>) : null,
    createdAt: chat.createdAt,
  };
}
