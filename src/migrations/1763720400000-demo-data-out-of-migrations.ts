import type { MigrationInterface, QueryRunner } from 'typeorm';

// The rows DemoTools1763720100000 used to insert, frozen here: the ids of the 20 contacts and of the 12 passages' articles.
const CONTACT_IDS = Array.from({ length: 20 }, (_, index) => `c${String(index + 1).padStart(2, '0')}`);
const SOURCE_IDS = [
  'kb-refunds',
  'kb-shipping-times',
  'kb-warranty',
  'kb-support-hours',
  'kb-password-reset',
  'kb-data-privacy',
  'kb-pricing-plans',
  'kb-account-deletion',
  'kb-api-rate-limits',
  'kb-two-factor',
  'kb-invoices',
  'kb-gift-cards',
];

/**
 * Demo rows leave the migrations: a database migrated before this one holds the rows DemoTools inserted,
 * a newer one never had them. Both end empty here, whatever DEMO_CONTENT says, and the start-up seeding
 * (src/demo) adds them back on an instance where it is on. Only the demo rows go, by their ids.
 */
export class DemoDataOutOfMigrations1763720400000 implements MigrationInterface {
  name = 'DemoDataOutOfMigrations1763720400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // On SQLite the delete trigger takes the passages out of the FTS table too.
    await deleteWhereIn(queryRunner, 'knowledge_passages', 'source_id', SOURCE_IDS);
    await deleteWhereIn(queryRunner, 'contacts', 'id', CONTACT_IDS);
  }

  async down(): Promise<void> {
    // Nothing to restore: with DEMO_CONTENT=on the start-up seeding puts the rows back.
  }
}

async function deleteWhereIn(queryRunner: QueryRunner, table: string, column: string, values: string[]): Promise<void> {
  const [sql, parameters] = queryRunner.connection.driver.escapeQueryWithParameters(`DELETE FROM ${table} WHERE ${column} IN (:...values)`, { values });
  await queryRunner.query(sql, parameters);
}
