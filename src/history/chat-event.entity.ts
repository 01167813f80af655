import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Chat } from './chat.entity';
import { epochMs } from './epoch-ms.transformer';

/** One entry of a chat's append-only event log; `seq` orders it within the chat. */
@Entity({ name: 'chat_events' })
// Everything but token deltas, by type (see the migration): what memories, transcripts and history pages read.
@Index('idx_chat_events_entries', ['chatId', 'type', 'seq'], { where: `type <> 'text.delta'` })
export class ChatEvent {
  @PrimaryColumn({ name: 'chat_id', type: 'varchar', length: 128 })
  chatId!: string;

  /** Declared so the schema (and migration:generate) knows the foreign key; never loaded. */
  @ManyToOne(() => Chat, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'chat_id', foreignKeyConstraintName: 'fk_chat_events_chat' })
  chat?: Chat;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'run_id', type: 'varchar', length: 64, nullable: true })
  runId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** The event body as JSON text: portable across SQLite and PostgreSQL; only HistoryRepository.firstEventWith looks inside. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'created_at_ms', type: 'bigint', transformer: epochMs })
  createdAt!: Date;
}
