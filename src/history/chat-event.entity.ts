import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

/** One entry of a chat's append-only event log; `seq` orders it within the chat. */
@Entity({ name: 'chat_events' })
export class ChatEvent {
  @PrimaryColumn({ name: 'chat_id', type: 'varchar', length: 128 })
  chatId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'run_id', type: 'varchar', length: 64, nullable: true })
  runId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** The event body as JSON text: portable across SQLite and PostgreSQL, never queried inside. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'created_at_ms', type: 'bigint', transformer: epochMs })
  createdAt!: Date;
}
