import { Injectable } from '@nestjs/common';
import { ChatBus, type EventListener, type WireEvent } from '../coordination';

/** Chats whose newest seq is kept (about 60 bytes each); past it the oldest known are forgotten and read again. */
const KNOWN_CHATS = 100_000;

/** One process: followers are callbacks, and the tail holds what the database does not have yet. */
@Injectable()
export class MemoryChatBus extends ChatBus {
  /** Replaced, never changed in place, so a publish going through one is not disturbed by a listener leaving. */
  private readonly listeners = new Map<string, EventListener[]>();
  private readonly tails = new Map<string, WireEvent[]>();
  /**
   * Each chat's newest seq, from its publishes and from reads of the log. In one process every event is published
   * here, so a socket opening on a chat seen before needs no read (a read was most of an open's own work).
   */
  private readonly newestSeqs = new Map<string, number>();
  /** Counts forgetting: a read that overlapped it may be older than a publish that was forgotten meanwhile. */
  private forgotten = 0;

  publish(event: WireEvent, durableSeq: number): void {
    this.know(event.chatId, event.seq);
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

  override async newest(chatId: string, stored: () => Promise<number>): Promise<number> {
    const known = this.newestSeqs.get(chatId);
    if (known !== undefined) return known;
    const forgotten = this.forgotten;
    const seq = Math.max(await stored(), await this.top(chatId));
    // A publish during the read is newer than the read's answer and stays; a read that overlapped forgetting is not kept.
    if (this.forgotten === forgotten && !this.newestSeqs.has(chatId)) this.know(chatId, seq);
    return seq;
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

  private know(chatId: string, seq: number): void {
    if (this.newestSeqs.size >= KNOWN_CHATS && !this.newestSeqs.has(chatId)) {
      this.newestSeqs.delete(this.newestSeqs.keys().next().value!);
      this.forgotten += 1;
    }
    this.newestSeqs.set(chatId, seq);
  }
}

function trimmed(tail: WireEvent[], durableSeq: number): WireEvent[] {
  const first = tail.findIndex((event) => event.seq > durableSeq);
  return first < 0 ? [] : first === 0 ? tail : tail.slice(first);
}
