import type { QueuedTurn } from '../coordination/coordination';
import type { ChatWriter } from '../event-log/chat-writer';

export interface ActiveTurn extends QueuedTurn {
  controller: AbortController;
}

/** A chat this instance runs: it holds the chat's writer, and runs its queued turns one at a time. */
export class ConversationLane {
  active: ActiveTurn | null = null;
  /** Settles when the lane has closed its writer. */
  done: Promise<void> = Promise.resolve();

  constructor(readonly writer: ChatWriter) {}

  get chatId(): string {
    return this.writer.chatId;
  }
}
