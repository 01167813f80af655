import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../agent/agent.decorators';
import type { AgentTool } from '../agent/tools/agent-tool';
import { ContactsRepository } from '../agent/tools/contacts/contacts.repository';

const input = z.object({
  to: z.string().min(1).max(200).describe('The contact, by name (or part of it) or email'),
  text: z.string().min(1).max(2000).describe('The message'),
});

export interface SentMessage {
  to: string;
  email: string;
  text: string;
  sentAt: string;
}

const KEPT = 100;

/** The demo's outbox: nothing leaves the server; what was "sent" is kept in memory, newest last. */
@Injectable()
export class DemoOutbox {
  readonly sent: SentMessage[] = [];

  add(message: SentMessage): void {
    this.sent.push(message);
    if (this.sent.length > KEPT) this.sent.shift();
  }
}

/** Sends a message to a demo contact. It acts for the user where others see it, so every call waits for approval. */
@Injectable()
@Tool()
export class SendMessageTool implements AgentTool<typeof input> {
  readonly name = 'send_message';
  readonly description = 'Sends a short message to a person in the address book. The user approves every message before it goes.';
  readonly inputSchema = input;
  readonly needsApproval = true;

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly outbox: DemoOutbox,
  ) {}

  async execute({ to, text }: z.infer<typeof input>): Promise<SentMessage> {
    const [contact] = await this.contacts.search(to, 1);
    if (!contact) throw new Error(`No contact matches "${to}"`);
    const message = { to: contact.name, email: contact.email, text, sentAt: new Date().toISOString() };
    this.outbox.add(message);
    return message;
  }
}
