import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The event log's writer bookkeeping: the fencing token of the last lease that wrote a chat, and the
 * run or interactive execution in flight, so a crashed instance's work is found and ended elsewhere.
 */
export class EventLogWriters1763720300000 implements MigrationInterface {
  name = 'EventLogWriters1763720300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('chats', [
      new TableColumn({ name: 'writer_fence', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'active_run', type: 'varchar', length: '64', isNullable: true }),
    ]);
    await queryRunner.createIndex('chats', new TableIndex({ name: 'idx_chats_active_run', columnNames: ['active_run'] }));
    // Step ends and run ends now carry the run events' own names; payloads stay readable as they were.
    await queryRunner.query(`UPDATE chat_events SET type = 'step.finished' WHERE type = 'agent.step'`);
    for (const outcome of ['finished', 'failed', 'cancelled']) {
      await queryRunner.query(`UPDATE chat_events SET type = 'run.${outcome}' WHERE type = 'run.ended' AND payload LIKE '%"outcome":"${outcome}"%'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('chats', 'idx_chats_active_run');
    await queryRunner.dropColumns('chats', ['active_run', 'writer_fence']);
  }
}
