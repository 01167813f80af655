import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases';
import { useDataSource } from '../../../test/support/medium-data-source';
import { DemoDataRepository } from '../../demo/demo-data.repository';
import { DemoDataOutOfMigrations1763720400000 } from '../../migrations/1763720400000-demo-data-out-of-migrations';
import { Contact } from './contacts/contact.entity';
import { ContactsRepository } from './contacts/contacts.repository';
import { KnowledgePassage } from './knowledge/knowledge-passage.entity';
import { KnowledgeRepository } from './knowledge/knowledge.repository';

const names = (contacts: Contact[]) => contacts.map((c) => c.name);
const sources = (hits: { sourceId: string }[]) => hits.map((h) => h.sourceId);

for (const kind of databaseKinds) {
  describe.skipIf(!kind.available)(kind.name, () => {
    const dataSource = useDataSource(kind);
    let contacts: ContactsRepository;
    let knowledge: KnowledgeRepository;

    beforeAll(async () => {
      // The migrations create the tables empty; DEMO_CONTENT=on seeds them at start.
      expect(await dataSource().getRepository(Contact).count()).toBe(0);
      expect(await dataSource().getRepository(KnowledgePassage).count()).toBe(0);
      await new DemoDataRepository(dataSource()).seedMissing();
      contacts = new ContactsRepository(dataSource());
      knowledge = new KnowledgeRepository(dataSource());
    });

    it('seeds 20 contacts and lists them all by name when there is no query', async () => {
      const all = await contacts.search(undefined, 100);
      expect(all).toHaveLength(20);
      expect(names(all)).toEqual([...names(all)].sort());
      expect(all.every((c) => c.email.endsWith('@example.com') && c.phone.includes('555'))).toBe(true);
      expect(await contacts.search('   ', 100)).toEqual(all);
    });

    it('seeds only what is missing, so seeding at every start changes nothing', async () => {
      const seeder = new DemoDataRepository(dataSource());
      expect(await seeder.seedMissing()).toBe(0);
      await dataSource().getRepository(Contact).delete('c02');
      expect(await seeder.seedMissing()).toBe(1);
      expect(await dataSource().getRepository(Contact).count()).toBe(20);
      expect(await dataSource().getRepository(KnowledgePassage).count()).toBe(12);
    });

    it('takes the rows older versions seeded by migration out of the database, and seeding puts them back', async () => {
      const runner = dataSource().createQueryRunner();
      try {
        await new DemoDataOutOfMigrations1763720400000().up(runner);
      } finally {
        await runner.release();
      }
      expect(await dataSource().getRepository(Contact).count()).toBe(0);
      expect(await knowledge.search('refunds', 3)).toEqual([]);
      expect(await new DemoDataRepository(dataSource()).seedMissing()).toBe(32);
      expect(sources(await knowledge.search('refunds', 1))).toEqual(['kb-refunds']);
    });

    it('matches a name ignoring case', async () => {
      for (const query of ['alice', 'ALICE', 'mOrEaU']) {
        expect(await contacts.search(query, 10)).toEqual([
          {
            id: 'c01',
            name: 'Alice Moreau',
            email: 'alice.moreau@example.com',
            phone: '+1-202-555-0101',
            company: 'Bluefin Robotics',
            title: 'Head of Partnerships',
          },
        ]);
      }
      expect(names(await contacts.search('tanaka', 10))).toEqual(['Bob Tanaka']);
    });

    it('matches company, title and email, by name', async () => {
      const bluefin = ['Alice Moreau', 'Daniel Okafor', 'Ingrid Novak', 'Nikhil Rao'];
      expect(names(await contacts.search('bluefin robotics', 10))).toEqual(bluefin);
      expect(names(await contacts.search('head of partnerships', 10))).toEqual(['Alice Moreau', 'Tara Fitzgerald']);
      expect(names(await contacts.search('grace.liu@', 10))).toEqual(['Grace Liu']);
      expect(await contacts.search('nobody by that name', 10)).toEqual([]);
    });

    it('treats % and _ in the query as literal characters', async () => {
      const extra = [
        { id: 't-percent', name: 'Zed Percent', email: 'zed@example.com', phone: '+1-202-555-0198', company: '100% Juice Co', title: 'Owner' },
        { id: 't-under', name: 'Zoe Under', email: 'zoe_under@example.com', phone: '+1-202-555-0199', company: 'Under Co', title: 'Owner' },
      ];
      await dataSource().getRepository(Contact).insert(extra);
      try {
        expect(names(await contacts.search('%', 100))).toEqual(['Zed Percent']);
        expect(names(await contacts.search('_', 100))).toEqual(['Zoe Under']);
        expect(names(await contacts.search('100%', 100))).toEqual(['Zed Percent']);
        expect(await contacts.search('a%e', 100)).toEqual([]);
        expect(await contacts.search('\\', 100)).toEqual([]);
      } finally {
        await dataSource().getRepository(Contact).delete(extra.map((c) => c.id));
      }
    });

    it('honours the limit', async () => {
      const all = await contacts.search(undefined, 100);
      expect(await contacts.search(undefined, 5)).toEqual(all.slice(0, 5));
      expect(await contacts.search('example.com', 3)).toEqual(all.slice(0, 3));
      expect(await contacts.search(undefined, 0)).toEqual([]);
    });

    it('ranks the refunds passage first for a refunds question', async () => {
      const hits = await knowledge.search('How do I get a refund for my order?', 5);
      expect(hits[0]).toEqual({
        sourceId: 'kb-refunds',
        title: 'Refunds',
        passage: expect.stringContaining('refund') as string,
        score: expect.any(Number) as number,
      });
      expect(hits.length).toBeGreaterThan(1); // "order" also matches the shipping passage
      expect(hits.length).toBeLessThanOrEqual(5);
      const scores = hits.map((h) => h.score);
      expect(scores.every((s) => s > 0)).toBe(true);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('matches any of the words, stemmed, and honours the limit', async () => {
      expect(sources(await knowledge.search('warranty claims', 5))[0]).toBe('kb-warranty');
      expect(sources(await knowledge.search('forgot password; warranty?', 5)).sort()).toEqual(['kb-password-reset', 'kb-warranty']);
      expect(await knowledge.search('plan business account billing support', 2)).toHaveLength(2);
    });

    it('never lets query syntax through, and finds nothing without usable words', async () => {
      for (const query of ['refund" OR * NEAR( -', 'title: refund', '"refund', 'refund AND NOT -x', "refund'); DROP TABLE x; --"]) {
        expect(sources(await knowledge.search(query, 3))[0]).toBe('kb-refunds');
      }
      for (const query of ['', '   ', 'the and of to', 'How do I?', '"* ( ) : - ^ + NEAR/ OR', '%_\\']) {
        expect(await knowledge.search(query, 3)).toEqual([]);
      }
    });

    it('keeps the full-text index in step with inserted, updated and deleted passages', async () => {
      const passages = dataSource().getRepository(KnowledgePassage);
      const { id } = await passages.save({ sourceId: 'kb-test', title: 'Zeppelin rides', body: 'Rides leave at dawn.' });
      try {
        expect(sources(await knowledge.search('zeppelin', 3))).toEqual(['kb-test']);
        await passages.update(id, { title: 'Balloon rides' });
        expect(await knowledge.search('zeppelin', 3)).toEqual([]);
        expect(sources(await knowledge.search('balloon', 3))).toEqual(['kb-test']);
      } finally {
        await passages.delete(id);
      }
      expect(await knowledge.search('balloon', 3)).toEqual([]);
    });
  });
}
