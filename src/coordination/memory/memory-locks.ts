import { Injectable } from '@nestjs/common';
import { ChatLocks, type ChatLease } from '../coordination';

/** One process: a lease is an entry in a map; it cannot be lost, only released. */
@Injectable()
export class MemoryChatLocks extends ChatLocks {
  private readonly held = new Map<string, number>();
  // Time-based, so fences keep growing across restarts of the process (storage remembers the last one).
  private lastFence = 0;

  tryAcquire(chatId: string): Promise<ChatLease | null> {
    if (this.held.has(chatId)) return Promise.resolve(null);
    const fence = (this.lastFence = Math.max(this.lastFence + 1, Date.now()));
    this.held.set(chatId, fence);
    const lost = new AbortController();
    const release = () => {
      if (this.held.get(chatId) === fence) this.held.delete(chatId);
      return Promise.resolve();
    };
    return Promise.resolve({ chatId, fence, lost: lost.signal, release });
  }

  isHeld(chatId: string): Promise<boolean> {
    return Promise.resolve(this.held.has(chatId));
  }
}
