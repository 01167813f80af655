import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ChatBus, ChatControl, ChatLocks, ChatPresence, ChatTakeover, CoordinationHealth, TurnQueue, UserRuns } from './coordination';
import { MemoryChatBus } from './memory/memory-bus';
import { MemoryChatControl } from './memory/memory-control';
import { MemoryCoordinationHealth } from './memory/memory-health';
import { MemoryChatLocks } from './memory/memory-locks';
import { MemoryChatPresence, MemoryTurnQueue } from './memory/memory-queue';
import { MemoryChatTakeover } from './memory/memory-takeover';
import { MemoryUserRuns } from './memory/memory-user-runs';
import { RedisChatBus } from './redis/redis-bus';
import { RedisConnections } from './redis/redis-connections';
import { RedisChatControl } from './redis/redis-control';
import { RedisCoordinationHealth } from './redis/redis-health';
import { RedisChatLocks } from './redis/redis-locks';
import { RedisChatPresence, RedisTurnQueue } from './redis/redis-queue';
import { RedisChatTakeover } from './redis/redis-takeover';
import { RedisUserRuns } from './redis/redis-user-runs';

const EXPORTS = [ChatLocks, ChatBus, ChatControl, TurnQueue, ChatPresence, ChatTakeover, CoordinationHealth, UserRuns];

/** In memory for one process; Redis when REDIS_URL is set, so instances share locks, events, queues and takeovers. */
@Global()
@Module({})
export class CoordinationModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = config.redis
      ? [
          RedisConnections,
          { provide: ChatLocks, useClass: RedisChatLocks },
          { provide: ChatBus, useClass: RedisChatBus },
          { provide: ChatControl, useClass: RedisChatControl },
          { provide: TurnQueue, useClass: RedisTurnQueue },
          { provide: ChatPresence, useClass: RedisChatPresence },
          { provide: ChatTakeover, useClass: RedisChatTakeover },
          { provide: CoordinationHealth, useClass: RedisCoordinationHealth },
          { provide: UserRuns, useClass: RedisUserRuns },
        ]
      : [
          { provide: ChatLocks, useClass: MemoryChatLocks },
          { provide: ChatBus, useClass: MemoryChatBus },
          { provide: ChatControl, useClass: MemoryChatControl },
          { provide: TurnQueue, useClass: MemoryTurnQueue },
          { provide: ChatPresence, useClass: MemoryChatPresence },
          { provide: ChatTakeover, useClass: MemoryChatTakeover },
          { provide: CoordinationHealth, useClass: MemoryCoordinationHealth },
          { provide: UserRuns, useClass: MemoryUserRuns },
        ];
    // RedisConnections is exported for the readiness probe.
    return { module: CoordinationModule, providers, exports: config.redis ? [...EXPORTS, RedisConnections] : EXPORTS };
  }
}
