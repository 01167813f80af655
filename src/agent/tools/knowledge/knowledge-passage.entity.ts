import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One passage of the help-centre knowledge base. The full-text index is per driver and created by the
 * migration: on PostgreSQL the GIN expression index declared here (synchronize: false, because TypeORM can
 * neither describe nor compare an expression index), on SQLite the FTS5 table `knowledge_fts` kept in
 * step by triggers, which TypeORM does not know about.
 */
@Entity({ name: 'knowledge_passages' })
@Index('idx_knowledge_passages_fts', { synchronize: false })
export class KnowledgePassage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The help-centre article the passage comes from, such as 'kb-refunds'; cited as the source. */
  @Column({ name: 'source_id', type: 'varchar', length: 64 })
  sourceId!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;
}
