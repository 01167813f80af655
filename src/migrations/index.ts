import { ChatHistory1763720000000 } from './1763720000000-chat-history';
import { DemoTools1763720100000 } from './1763720100000-demo-tools';
import { ConversationStatus1763720200000 } from './1763720200000-conversation-status';
import { EventLogWriters1763720300000 } from './1763720300000-event-log-writers';
import { DemoDataOutOfMigrations1763720400000 } from './1763720400000-demo-data-out-of-migrations';
import { EventLogEntriesIndex1763720500000 } from './1763720500000-event-log-entries-index';

/**
 * Every migration, oldest first. Listed explicitly rather than globbed so the same list works from the
 * compiled server, the TypeORM CLI and the TypeScript test runner. Add each new migration here.
 */
export const migrations = [
  ChatHistory1763720000000,
  DemoTools1763720100000,
  ConversationStatus1763720200000,
  EventLogWriters1763720300000,
  DemoDataOutOfMigrations1763720400000,
  EventLogEntriesIndex1763720500000,
];
