import { Injectable } from '@nestjs/common';
import { ChatBus, type EventListener, type WireEvent } from '../coordination';

/** One process: followers are callbacks, and the tail holds what the database does not have yet. */
@Injectable()
export class MemoryChatBus extends ChatBus {
  /** Replaced, never changed in place, so a publish going through one is not disturbed by a listener leaving. */
  private readonly listeners = new Map<string, EventListener[]>();
  private readonly tails = new Map<string, WireEvent[]>();

  publish(event: WireEvent, durableSeq: number): void {
    const tail = this.tails.get(event.chatId) ?? [];
    tail.push(event);
    this.tails.set(event.chatId, trimmed(tail, durableSeq));
    for (const listener of this.listeners.get(event.chatId) ?? []) listener(event);
  }

  subscribe(chatId: string, listener: EventListener): Promise<() => void> {
    this.listeners.set(chatId, [...(this.listeners.get(chatId) ?? []), listener]);
    return Promise.resolve(() => {
      const rest = (this.listeners.get(chatId) ?? []).filter((other) => other !== listener);
      if (rest.length === 0) this.listeners.delete(chatId);
      else this.listeners.set(chatId, rest);
    });
  }

  tail(chatId: string, afterSeq: number): Promise<WireEvent[]> {
    return Promise.resolve((this.tails.get(chatId) ?? []).filter((event) => event.seq > afterSeq));
  }

  top(chatId: string): Promise<number> {
    return Promise.resolve(this.tails.get(chatId)?.at(-1)?.seq ?? 0);
  }

  settle(chatId: string, durableSeq: number): Promise<void> {
    const tail = this.tails.get(chatId);
    if (tail) {
      const rest = trimmed(tail, durableSeq);
      if (rest.length === 0) this.tails.delete(chatId);
      else this.tails.set(chatId, rest);
    }
    return Promise.resolve();
  }
}

function trimmed(tail: WireEvent[], durableSeq: number): WireEvent[] {
  const first = tail.findIndex((event) => event.seq > durableSeq);
  return first < 0 ? [] : first === 0 ? tail : tail.slice(first);
}
