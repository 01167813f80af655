import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Tables for the demo tools: the contacts address book and the help-centre knowledge base with its full-text
 * index, which is the one part that differs per driver. Tables use the portable schema API. They are created
 * whatever DEMO_CONTENT says, so every instance runs the same migrations; the rows are seeded at start when
 * it is on (src/demo). Until DemoDataOutOfMigrations1763720400000, this migration inserted them itself.
 */
export class DemoTools1763720100000 implements MigrationInterface {
  name = 'DemoTools1763720100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'contacts',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'phone', type: 'varchar', length: '32' },
          { name: 'company', type: 'varchar', length: '200' },
          { name: 'title', type: 'varchar', length: '200' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'knowledge_passages',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'source_id', type: 'varchar', length: '64' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    if (queryRunner.connection.driver.options.type === 'postgres') {
      // Must stay the exact expression KnowledgeRepository searches on, or the planner ignores the index.
      await queryRunner.query(
        `CREATE INDEX "idx_knowledge_passages_fts" ON "knowledge_passages" USING GIN ` +
          `((setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')))`,
      );
    } else {
      await this.createSqliteFts(queryRunner);
    }
  }

  /**
   * An external-content FTS5 table (the text lives once, in knowledge_passages; the rowid is its id) with
   * the porter stemmer, like PostgreSQL's 'english' configuration, and triggers that keep it in step.
   * Caution: on SQLite TypeORM alters a table by recreating it, which drops its triggers; a later
   * migration that changes knowledge_passages must create them again.
   */
  private async createSqliteFts(queryRunner: QueryRunner): Promise<void> {
    const remove = `INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);`;
    const add = `INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.id, new.title, new.body);`;
    await queryRunner.query(
      `CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, ` +
        `content='knowledge_passages', content_rowid='id', tokenize='porter unicode61')`,
    );
    await queryRunner.query(`CREATE TRIGGER knowledge_passages_fts_insert AFTER INSERT ON knowledge_passages BEGIN ${add} END`);
    await queryRunner.query(`CREATE TRIGGER knowledge_passages_fts_delete AFTER DELETE ON knowledge_passages BEGIN ${remove} END`);
    await queryRunner.query(`CREATE TRIGGER knowledge_passages_fts_update AFTER UPDATE ON knowledge_passages BEGIN ${remove} ${add} END`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping knowledge_passages drops its GIN index (PostgreSQL) or its triggers (SQLite).
    await queryRunner.dropTable('knowledge_passages');
    if (queryRunner.connection.driver.options.type !== 'postgres') await queryRunner.query('DROP TABLE knowledge_fts');
    await queryRunner.dropTable('contacts');
  }
}
