import { Injectable } from '@nestjs/common';
import { ChatPresence, TurnQueue, type QueuedTurn } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

const PUSH = `
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;
const SHIFT = `
local turn = redis.call('LPOP', KEYS[1])
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return turn`;
const REMOVE = `
for _, turn in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if cjson.decode(turn).messageId == ARGV[2] then
    redis.call('LREM', KEYS[1], 1, turn)
    if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
    return turn
  end
end
return false`;
const CLEAR = `
local turns = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return turns`;

/** Waiting turns in a Redis list per chat, so whichever instance holds the chat next runs them. */
@Injectable()
export class RedisTurnQueue extends TurnQueue {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async push(chatId: string, turn: QueuedTurn, max: number): Promise<boolean> {
    return (await this.redis.commands.eval(PUSH, 2, keys.queue(chatId), keys.queued, chatId, JSON.stringify(turn), max)) === 1;
  }

  async shift(chatId: string): Promise<QueuedTurn | null> {
    return parse(await this.redis.commands.eval(SHIFT, 2, keys.queue(chatId), keys.queued, chatId));
  }

  async find(chatId: string, messageId: string): Promise<QueuedTurn | null> {
    const turns = await this.redis.commands.lrange(keys.queue(chatId), 0, -1);
    return turns.map((turn) => JSON.parse(turn) as QueuedTurn).find((turn) => turn.messageId === messageId) ?? null;
  }

  async remove(chatId: string, messageId: string): Promise<QueuedTurn | null> {
    return parse(await this.redis.commands.eval(REMOVE, 2, keys.queue(chatId), keys.queued, chatId, messageId));
  }

  async clear(chatId: string): Promise<QueuedTurn[]> {
    const turns = (await this.redis.commands.eval(CLEAR, 2, keys.queue(chatId), keys.queued, chatId)) as string[];
    return turns.map((turn) => JSON.parse(turn) as QueuedTurn);
  }

  size(chatId: string): Promise<number> {
    return this.redis.commands.llen(keys.queue(chatId));
  }

  async waiting(limit: number): Promise<string[]> {
    return (await this.redis.commands.smembers(keys.queued)).slice(0, limit);
  }
}

@Injectable()
export class RedisChatPresence extends ChatPresence {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async join(chatId: string): Promise<void> {
    await this.redis.commands.hincrby(keys.presence, chatId, 1);
  }

  async leave(chatId: string): Promise<number> {
    const left = await this.redis.commands.hincrby(keys.presence, chatId, -1);
    if (left <= 0) await this.redis.commands.hdel(keys.presence, chatId);
    return Math.max(0, left);
  }
}

function parse(value: unknown): QueuedTurn | null {
  return typeof value === 'string' ? (JSON.parse(value) as QueuedTurn) : null;
}
