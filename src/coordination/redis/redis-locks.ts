import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ChatLocks, type ChatLease } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

// The fence only grows: INCR, floored at the caller's clock so it stays above any fence storage saw
// before Redis lost the counter (it keeps nothing on disk).
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
if fence < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[3])
  fence = tonumber(ARGV[3])
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. string.format('%d', fence), 'PX', ARGV[2])
return fence`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A lock per chat: SET NX with an expiry, renewed every third of it while held. An instance that dies
 * stops renewing, and its chats are free again after CHAT_LOCK_TTL_MS. Each grant carries a fencing
 * token that the event log checks, so a writer that lost its lease (a long pause) cannot write after
 * the next one started.
 */
@Injectable()
export class RedisChatLocks extends ChatLocks {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisConnections,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.ttlMs = config.coordination.lockTtlMs;
  }

  async tryAcquire(chatId: string): Promise<ChatLease | null> {
    const { commands, instanceId } = this.redis;
    const fence = Number(await commands.eval(ACQUIRE, 2, keys.lock(chatId), keys.fence(chatId), instanceId, this.ttlMs, Date.now()));
    if (fence === 0) return null;
    const value = `${instanceId}:${fence}`;
    const lost = new AbortController();
    let renewed = Date.now();
    const timer = setInterval(() => {
      commands.eval(RENEW, 1, keys.lock(chatId), value, this.ttlMs).then(
        (result) => {
          if (Number(result) === 1) renewed = Date.now();
          else lost.abort(new Error(`the lock on chat ${chatId} was taken over`));
        },
        () => {
          if (Date.now() - renewed >= this.ttlMs) lost.abort(new Error(`the lock on chat ${chatId} expired while Redis was unreachable`));
        },
      );
    }, Math.max(100, Math.floor(this.ttlMs / 3)));
    timer.unref();
    lost.signal.addEventListener('abort', () => clearInterval(timer));
    const release = async () => {
      clearInterval(timer);
      await commands.eval(RELEASE, 1, keys.lock(chatId), value).catch(() => undefined);
    };
    return { chatId, fence, lost: lost.signal, release };
  }

  async isHeld(chatId: string): Promise<boolean> {
    return (await this.redis.commands.exists(keys.lock(chatId))) === 1;
  }
}
