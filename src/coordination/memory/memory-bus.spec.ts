import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../coordination';
import { MemoryChatBus } from './memory-bus';

const event = (chatId: string, seq: number): WireEvent => ({ chatId, seq, runId: null, type: 'message', payload: {}, at: 0 });

describe('MemoryChatBus.newest', () => {
  it('reads the log once per chat, then answers from what it was told and what was published', async () => {
    const bus = new MemoryChatBus();
    let reads = 0;
    const stored = (seq: number) => () => {
      reads += 1;
      return Promise.resolve(seq);
    };
    expect(await bus.newest('a', stored(7))).toBe(7);
    expect(await bus.newest('a', stored(99))).toBe(7);
    bus.publish(event('a', 8), 7);
    expect(await bus.newest('a', stored(99))).toBe(8);
    // A chat first seen through a publish is never read.
    bus.publish(event('b', 1), 0);
    expect(await bus.newest('b', stored(99))).toBe(1);
    expect(reads).toBe(1);
  });

  it('keeps an event published while the log was being read over the older answer of the read', async () => {
    const bus = new MemoryChatBus();
    let answer!: (seq: number) => void;
    const reading = bus.newest('a', () => new Promise((resolve) => (answer = resolve)));
    // Already durable, so the tail forgets it at once: only what the bus knew of the chat still has it.
    bus.publish(event('a', 5), 5);
    answer(4);
    expect(await reading).toBe(4);
    expect(await bus.newest('a', () => Promise.resolve(0))).toBe(5);
  });
});
