import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

export type ConversationStatus = 'active' | 'handoff';

/** A conversation; `ownerId` is the token subject that first used the id, and only it may read or write. */
@Entity({ name: 'chats' })
@Index('idx_chats_owner', ['ownerId'])
@Index('idx_chats_status', ['status'])
@Index('idx_chats_active_run', ['activeRun'])
export class Chat {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 255 })
  ownerId!: string;

  /** The highest event sequence number handed out so far; events are numbered from 1. */
  @Column({ name: 'last_seq', type: 'integer', default: 0 })
  lastSeq!: number;

  @Column({ name: 'created_at_ms', type: 'bigint', transformer: epochMs })
  createdAt!: Date;

  /** `active`: the agent answers; `handoff`: a human operator does, and the agent stays silent. */
  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: ConversationStatus;

  /** The interact protocol's bucket (region or tenant), as the client sent it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  bucket!: string | null;

  /** The fencing token of the last lease that wrote the log; an older lease can no longer write. */
  @Column({ name: 'writer_fence', type: 'bigint', default: 0, transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) } })
  writerFence!: number;

  /** `turn:<runId>` or `session:<executionId>` while one is in flight, so recovery finds it when its instance died. */
  @Column({ name: 'active_run', type: 'varchar', length: 64, nullable: true })
  activeRun!: string | null;

  /** The interact protocol's lightConvoData (user name, email, phone, origin) as JSON. */
  @Column({ name: 'convo_data', type: 'text', nullable: true })
  convoData!: string | null;
}
