import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { Contact } from './contact.entity';

/** The columns a query is looked for in; phone numbers are left out on purpose (digits match too much). */
const SEARCHED = ['name', 'email', 'company', 'title'] as const;

/** All SQL for the demo address book; the same statements run on SQLite and PostgreSQL. */
@Injectable()
export class ContactsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Up to `limit` contacts ordered by name: everyone when the query is missing or blank, otherwise those
   * whose name, email, company or title contains it, ignoring case. LOWER(…) LIKE on both sides because
   * LIKE ignores case on SQLite but not on PostgreSQL (and ILIKE is PostgreSQL only); SQLite's LOWER only
   * folds ASCII letters, which suits this ASCII data set.
   */
  async search(query: string | undefined, limit: number): Promise<Contact[]> {
    const take = Math.floor(limit);
    if (!(take > 0)) return [];
    const builder = this.db
      .getRepository(Contact)
      .createQueryBuilder('contact')
      .orderBy('contact.name', 'ASC')
      .addOrderBy('contact.id', 'ASC')
      .limit(take);
    const text = query?.trim() ?? '';
    if (text !== '') {
      // The user's % and _ are literal characters, not wildcards: escape them (and the escape character).
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      builder.where(
        new Brackets((where) => {
          for (const column of SEARCHED) where.orWhere(`LOWER(contact.${column}) LIKE :pattern ESCAPE '\\'`, { pattern });
        }),
      );
    }
    return builder.getMany();
  }
}
