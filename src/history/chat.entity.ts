import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';

/** A conversation; `ownerId` is the token subject that first used the id, and only it may read or write. */
@Entity({ name: 'chats' })
@Index('idx_chats_owner', ['ownerId'])
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
}
