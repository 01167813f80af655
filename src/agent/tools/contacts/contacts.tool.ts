import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../../agent.decorators';
import type { AgentTool } from '../agent-tool';
import type { Contact } from './contact.entity';
import { ContactsRepository } from './contacts.repository';

const input = z.object({
  query: z.string().max(200).optional().describe('Part of a name, email, company or title; omit to list everyone'),
  limit: z.number().int().min(1).max(50).optional().describe('At most this many contacts (default 20)'),
});

@Injectable()
@Tool()
export class ContactsTool implements AgentTool<typeof input> {
  readonly name = 'contacts';
  readonly description = 'Looks up people in the company address book by name, email, company or title, or lists them all.';
  readonly inputSchema = input;

  constructor(private readonly contacts: ContactsRepository) {}

  execute({ query, limit = 20 }: z.infer<typeof input>): Promise<Contact[]> {
    return this.contacts.search(query, limit);
  }
}
