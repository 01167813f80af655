import { Injectable } from '@nestjs/common';
import { ChatPresence, TurnQueue, type QueuedTurn } from '../coordination';

/** One process: a list per chat. */
@Injectable()
export class MemoryTurnQueue extends TurnQueue {
  private readonly queues = new Map<string, QueuedTurn[]>();

  push(chatId: string, turn: QueuedTurn, max: number): Promise<boolean> {
    const queue = this.queues.get(chatId) ?? [];
    if (queue.length >= max) return Promise.resolve(false);
    queue.push(turn);
    this.queues.set(chatId, queue);
    return Promise.resolve(true);
  }

  shift(chatId: string): Promise<QueuedTurn | null> {
    const queue = this.queues.get(chatId);
    const turn = queue?.shift() ?? null;
    if (queue?.length === 0) this.queues.delete(chatId);
    return Promise.resolve(turn);
  }

  find(chatId: string, messageId: string): Promise<QueuedTurn | null> {
    return Promise.resolve(this.queues.get(chatId)?.find((turn) => turn.messageId === messageId) ?? null);
  }

  remove(chatId: string, messageId: string): Promise<QueuedTurn | null> {
    const queue = this.queues.get(chatId) ?? [];
    const index = queue.findIndex((turn) => turn.messageId === messageId);
    const [turn] = index < 0 ? [] : queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(chatId);
    return Promise.resolve(turn ?? null);
  }

  clear(chatId: string): Promise<QueuedTurn[]> {
    const queue = this.queues.get(chatId) ?? [];
    this.queues.delete(chatId);
    return Promise.resolve(queue);
  }

  size(chatId: string): Promise<number> {
    return Promise.resolve(this.queues.get(chatId)?.length ?? 0);
  }

  waiting(limit: number): Promise<string[]> {
    return Promise.resolve([...this.queues.keys()].slice(0, limit));
  }
}

@Injectable()
export class MemoryChatPresence extends ChatPresence {
  private readonly counts = new Map<string, number>();

  join(chatId: string): Promise<void> {
    this.counts.set(chatId, (this.counts.get(chatId) ?? 0) + 1);
    return Promise.resolve();
  }

  leave(chatId: string): Promise<number> {
    const left = Math.max(0, (this.counts.get(chatId) ?? 1) - 1);
    if (left === 0) this.counts.delete(chatId);
    else this.counts.set(chatId, left);
    return Promise.resolve(left);
  }
}
