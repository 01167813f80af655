import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DependencyUnreachable } from '../../startup/startup-failure';

type ChannelListener = (message: string) => void;

interface Channel {
  listeners: Set<ChannelListener>;
  ready: Promise<unknown>;
}

/**
 * The two connections an instance keeps to Redis: one for commands (auto-pipelined, so a burst of
 * publishes costs one round trip) and one in subscriber mode, shared by every channel this instance follows.
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  /** Names this process in lock values and reply channels. */
  readonly instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Channel>();
  private readonly logger = new Logger('Redis');

  /** Host and port only: the URL may carry a password. */
  private readonly where: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const url = config.redis!.url;
    this.where = new URL(url).host;
    // Commands wait while Redis reconnects instead of failing at once; a lock renewal that waits too long is a lost lease.
    this.commands = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 3, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    for (const client of [this.commands, this.subscriber]) client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.channels.get(channel)?.listeners ?? []) listener(message);
    });
  }

  /** Starting without Redis would only fail later, turn by turn: the start fails instead, naming REDIS_URL. */
  async onModuleInit(): Promise<void> {
    try {
      await this.commands.ping();
    } catch (error) {
      throw new DependencyUnreachable('REDIS_URL', `Redis at ${this.where} did not answer (${(error as Error).message})`, { cause: error });
    }
  }

  /** Resolves once Redis confirmed the subscription; the returned function unsubscribes this listener. */
  async subscribe(channelName: string, listener: ChannelListener): Promise<() => void> {
    let channel = this.channels.get(channelName);
    if (!channel) {
      channel = { listeners: new Set(), ready: this.subscriber.subscribe(channelName) };
      this.channels.set(channelName, channel);
    }
    channel.listeners.add(listener);
    const current = channel;
    try {
      await current.ready;
    } catch (error) {
      this.drop(channelName, current, listener);
      throw error;
    }
    return () => this.drop(channelName, current, listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
  }

  private drop(name: string, channel: Channel, listener: ChannelListener): void {
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0 || this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    this.subscriber.unsubscribe(name).catch((error: Error) => this.logger.warn(`unsubscribe ${name}: ${error.message}`));
  }
}

export const keys = {
  lock: (chatId: string) => `agw:lock:{${chatId}}`,
  fence: (chatId: string) => `agw:fence:{${chatId}}`,
  tail: (chatId: string) => `agw:tail:{${chatId}}`,
  events: (chatId: string) => `agw:events:${chatId}`,
  control: (chatId: string) => `agw:control:${chatId}`,
  reply: (instanceId: string) => `agw:reply:${instanceId}`,
  takeover: (chatId: string) => `agw:takeover:${chatId}`,
  queue: (chatId: string) => `agw:queue:{${chatId}}`,
  queued: 'agw:queued',
  presence: 'agw:presence',
  userRuns: (userId: string) => `agw:runs:${userId}`,
};
