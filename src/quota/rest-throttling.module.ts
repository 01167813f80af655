import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CoordinationHealth } from '../coordination/coordination';
import { RedisConnections } from '../coordination/redis/redis-connections';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './rest-throttler.storage';
import { RestThrottlerGuard } from './rest-throttler.guard';

/** REST_RATE_LIMIT on every REST route but the probes; counted in Redis when REDIS_URL is set. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, CoordinationHealth, { token: RedisConnections, optional: true }],
      useFactory: (config: AppConfig, health: CoordinationHealth, redis?: RedisConnections) => ({
        throttlers: [{ ttl: config.quotas.rest.windowMs, limit: config.quotas.rest.limit }],
        // Headers on every answer would be one more thing each route documents; a refusal says when to retry.
        setHeaders: false,
        storage: redis ? new RedisThrottlerStorage(redis, health) : new MemoryThrottlerStorage(),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RestThrottlerGuard }],
})
export class RestThrottlingModule {}
