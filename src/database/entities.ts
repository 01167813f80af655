import { Contact } from '../agent/tools/contacts/contact.entity';
import { KnowledgePassage } from '../agent/tools/knowledge/knowledge-passage.entity';
import { ChatEvent } from '../history/chat-event.entity';
import { Chat } from '../history/chat.entity';

/** Every entity the data source knows, for the app, the CLI and the tests alike. */
export const entities = [Chat, ChatEvent, Contact, KnowledgePassage];
