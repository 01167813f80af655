import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Contact } from '../agent/tools/contacts/contact.entity';
import { KnowledgePassage } from '../agent/tools/knowledge/knowledge-passage.entity';
import { MIGRATION_LOCK_KEY } from '../database/migrate';
import { demoContacts } from './demo-contacts';
import { demoKnowledge } from './demo-knowledge';

/** Writes the demo rows: the contacts the contacts tool lists and the passages knowledge_search finds. */
@Injectable()
export class DemoDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Adds the demo contacts and passages that are missing (by contact id, by passage source_id) and leaves
   * the others as they are, so it may run at every start. On PostgreSQL it holds the migrations' lock:
   * instances starting together would otherwise both see a passage missing and both add it.
   * Returns how many rows it added.
   */
  seedMissing(): Promise<number> {
    return this.db.transaction(async (manager) => {
      if (this.db.options.type === 'postgres') await manager.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const contacts = manager.getRepository(Contact);
      const passages = manager.getRepository(KnowledgePassage);
      const haveContacts = new Set((await contacts.find({ select: { id: true }, where: { id: In(demoContacts.map((row) => row.id)) } })).map((row) => row.id));
      const havePassages = new Set(
        (await passages.find({ select: { sourceId: true }, where: { sourceId: In(demoKnowledge.map((row) => row.source_id)) } })).map((row) => row.sourceId),
      );
      const newContacts = demoContacts.filter((row) => !haveContacts.has(row.id));
      const newPassages = demoKnowledge.filter((row) => !havePassages.has(row.source_id)).map((row) => ({ sourceId: row.source_id, title: row.title, body: row.body }));
      // On SQLite the insert trigger fills the FTS table as the passages go in.
      if (newContacts.length > 0) await contacts.insert(newContacts);
      if (newPassages.length > 0) await passages.insert(newPassages);
      return newContacts.length + newPassages.length;
    });
  }
}
