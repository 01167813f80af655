import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChatTakeover } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

/**
 * Each takeover is announced on the chat's channel, after subscribing to it. Redis delivers a channel's
 * messages to every subscriber in one order, so every socket agrees which announcement is the newest:
 * those before a socket's own are older sockets', the first after it is a newer one's.
 */
@Injectable()
export class RedisChatTakeover extends ChatTakeover {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async takeOver(chatId: string, displaced: () => void): Promise<() => void> {
    const id = randomUUID();
    let announced = false;
    let replaced = false;
    const withdraw = await this.redis.subscribe(keys.takeover(chatId), (message) => {
      if (message === id) announced = true;
      else if (announced && !replaced) {
        replaced = true;
        displaced();
      }
    });
    try {
      await this.redis.commands.publish(keys.takeover(chatId), id);
    } catch (error) {
      withdraw();
      throw error;
    }
    return withdraw;
  }
}
