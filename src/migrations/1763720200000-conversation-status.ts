import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Conversation state for the interact protocol: handoff status, bucket and the client's light convo data. */
export class ConversationStatus1763720200000 implements MigrationInterface {
  name = 'ConversationStatus1763720200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('chats', [
      new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'active'" }),
      new TableColumn({ name: 'bucket', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'convo_data', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createIndex('chats', new TableIndex({ name: 'idx_chats_status', columnNames: ['status'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('chats', 'idx_chats_status');
    await queryRunner.dropColumns('chats', ['convo_data', 'bucket', 'status']);
  }
}
