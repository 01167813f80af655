import { Injectable, Logger } from '@nestjs/common';
import { ChatBus, type EventListener, type WireEvent } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

// The tail is a stream whose ids are the seqs, so a reader asks for "after seq" directly. Trimming by
// MINID drops only what the database already holds; a crashed writer's last events stay for an hour.
const PUBLISH = `
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[3], ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], 3600000)
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1`;

/** Fan-out through Redis pub/sub, and the recent tail in a Redis stream, written together by one script. */
@Injectable()
export class RedisChatBus extends ChatBus {
  private readonly logger = new Logger('RedisChatBus');

  constructor(private readonly redis: RedisConnections) {
    super();
  }

  publish(event: WireEvent, durableSeq: number): void {
    const json = JSON.stringify(event);
    // Commands on one connection run in the order sent, so followers see the writer's order.
    this.redis.commands
      .eval(PUBLISH, 2, keys.tail(event.chatId), keys.events(event.chatId), `${event.seq}-0`, json, `${durableSeq + 1}-0`)
      .catch((error: Error) => this.logger.error(`publishing chat ${event.chatId} seq ${event.seq} failed: ${error.message}`));
  }

  subscribe(chatId: string, listener: EventListener): Promise<() => void> {
    return this.redis.subscribe(keys.events(chatId), (message) => listener(JSON.parse(message) as WireEvent));
  }

  async tail(chatId: string, afterSeq: number): Promise<WireEvent[]> {
    const entries = await this.redis.commands.xrange(keys.tail(chatId), `(${afterSeq}-0`, '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as WireEvent);
  }

  async top(chatId: string): Promise<number> {
    const [last] = await this.redis.commands.xrevrange(keys.tail(chatId), '+', '-', 'COUNT', 1);
    return last ? Number(last[0].split('-')[0]) : 0;
  }

  async settle(chatId: string, durableSeq: number): Promise<void> {
    await this.redis.commands.xtrim(keys.tail(chatId), 'MINID', `${durableSeq + 1}-0`);
  }
}
