import { Injectable } from '@nestjs/common';
import { ChatTakeover } from '../coordination';

/** One process: the newest socket of each chat, told directly when another replaces it. */
@Injectable()
export class MemoryChatTakeover extends ChatTakeover {
  private readonly newest = new Map<string, { displaced: () => void }>();

  takeOver(chatId: string, displaced: () => void): Promise<() => void> {
    const previous = this.newest.get(chatId);
    const socket = { displaced };
    this.newest.set(chatId, socket);
    previous?.displaced();
    return Promise.resolve(() => {
      if (this.newest.get(chatId) === socket) this.newest.delete(chatId);
    });
  }
}
