import { Module } from '@nestjs/common';
import { ContactsRepository } from '../agent/tools/contacts/contacts.repository';
import { ContactsTool } from '../agent/tools/contacts/contacts.tool';
import { KnowledgeSearchTool } from '../agent/tools/knowledge/knowledge-search.tool';
import { KnowledgeRepository } from '../agent/tools/knowledge/knowledge.repository';
import { TestingRouter } from '../interactive/examples/testing.router';
import { DemoDataRepository } from './demo-data.repository';
import { DemoDataSeeder } from './demo-data.seeder';
import { DemoOutbox, SendMessageTool } from './send-message.tool';

/**
 * What DEMO_CONTENT=on adds: the contacts, knowledge_search and send_message (approval needed) tools with their seeded data, and the seed's
 * interactive example at /testing/*. It plugs in through the same extension points a team's module uses
 * (`@Tool()`, `@InteractiveRouter`), so leaving it out removes all of it.
 */
@Module({
  providers: [ContactsRepository, DemoOutbox, SendMessageTool, KnowledgeRepository, ContactsTool, KnowledgeSearchTool, TestingRouter, DemoDataRepository, DemoDataSeeder],
})
export class DemoModule {}
