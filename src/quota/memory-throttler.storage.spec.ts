import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());
  const hit = (storage: MemoryThrottlerStorage, key = 'user:alice') => storage.increment(key, 60_000, 3, 60_000, 'default');

  it('counts a fixed window per key, and blocks past the limit until the block ends', async () => {
    const storage = new MemoryThrottlerStorage();
    for (const expected of [1, 2, 3]) expect(await hit(storage)).toEqual({ totalHits: expected, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(await hit(storage, 'user:bob')).toMatchObject({ totalHits: 1, isBlocked: false });
    vi.advanceTimersByTime(10_000);
    expect(await hit(storage)).toEqual({ totalHits: 4, timeToExpire: 50, isBlocked: true, timeToBlockExpire: 60 });
    // The window ends before the block: still refused until the block does.
    vi.advanceTimersByTime(55_000);
    expect(await hit(storage)).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    // As in Redis, the refused request opened a new window and counts in it.
    vi.advanceTimersByTime(5_000);
    expect(await hit(storage)).toEqual({ totalHits: 2, timeToExpire: 55, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('starts a new window once the old one ended', async () => {
    const storage = new MemoryThrottlerStorage();
    await hit(storage);
    await hit(storage);
    vi.advanceTimersByTime(60_000);
    expect(await hit(storage)).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
