import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person in the demo address book the contacts tool searches; seeded at start with DEMO_CONTENT=on (src/demo), read-only to agents. */
@Entity({ name: 'contacts' })
export class Contact {
  /** A short stable id such as 'c01', so transcripts and tests can name a contact. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 32 })
  phone!: string;

  @Column({ type: 'varchar', length: 200 })
  company!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;
}
