import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { CoordinationHealth } from '../coordination/coordination';
import type { RedisConnections } from '../coordination/redis/redis-connections';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// A fixed window per key; past the limit the key is blocked for blockDuration. Times in ms, returned in seconds.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}`;

/**
 * REST request counts in Redis, so a user's limit holds across every instance. While Redis cannot be reached
 * each instance counts on its own instead: limits loosen for the outage, requests are never refused for it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RestThrottling');
  private readonly local = new MemoryThrottlerStorage();

  constructor(
    private readonly redis: RedisConnections,
    private readonly health: CoordinationHealth,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (!this.health.reachable()) return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const keys = [`agw:rate:{${key}}:${throttlerName}`, `agw:rate:{${key}}:${throttlerName}:blocked`];
      const [hits, ttlMs, blockedMs] = (await this.redis.commands.eval(INCREMENT, 2, ...keys, ttl, limit, blockDuration)) as [number, number, number];
      const isBlocked = blockedMs > 0;
      return { totalHits: hits, timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000), isBlocked, timeToBlockExpire: isBlocked ? Math.ceil(blockedMs / 1000) : 0 };
    } catch (error) {
      this.logger.warn(`counted locally, Redis failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}
