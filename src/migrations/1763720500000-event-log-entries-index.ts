import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The log's entries other than token deltas, by type: a model's memory, a transcript and a history page read
 * a few user messages and steps, which a streaming chat buries under thousands of deltas. Partial, so the
 * deltas (most rows) cost no extra index write.
 */
export class EventLogEntriesIndex1763720500000 implements MigrationInterface {
  name = 'EventLogEntriesIndex1763720500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'chat_events',
      new TableIndex({ name: 'idx_chat_events_entries', columnNames: ['chat_id', 'type', 'seq'], where: `type <> 'text.delta'` }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('chat_events', 'idx_chat_events_entries');
  }
}
