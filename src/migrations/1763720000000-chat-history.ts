import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Chats and their append-only event log, written with the portable schema API for SQLite and PostgreSQL. */
export class ChatHistory1763720000000 implements MigrationInterface {
  name = 'ChatHistory1763720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'chats',
        columns: [
          { name: 'id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'owner_id', type: 'varchar', length: '255' },
          { name: 'last_seq', type: 'integer', default: 0 },
          { name: 'created_at_ms', type: 'bigint' },
        ],
        indices: [{ name: 'idx_chats_owner', columnNames: ['owner_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat_events',
        columns: [
          { name: 'chat_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'run_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          { name: 'created_at_ms', type: 'bigint' },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_chat_events_chat',
            columnNames: ['chat_id'],
            referencedTableName: 'chats',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('chat_events');
    await queryRunner.dropTable('chats');
  }
}
