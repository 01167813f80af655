import { Injectable } from '@nestjs/common';
import { UserRuns } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

// A sorted set per user, scored by expiry on Redis's own clock, so instances with skewed clocks agree.
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Each user's runs in flight, shared by every instance. */
@Injectable()
export class RedisUserRuns extends UserRuns {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async acquire(userId: string, runId: string, max: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.commands.eval(ACQUIRE, 1, keys.userRuns(userId), runId, max, ttlMs)) === 1;
  }

  async release(userId: string, runId: string): Promise<void> {
    await this.redis.commands.zrem(keys.userRuns(userId), runId);
  }
}
