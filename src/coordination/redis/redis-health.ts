import { Injectable } from '@nestjs/common';
import { CoordinationHealth } from '../coordination';
import { RedisConnections } from './redis-connections';

/**
 * Redis is reachable while the command connection is ready. ioredis notices a cut connection at once and
 * reconnects by itself; meanwhile it would hold commands in its offline queue for several reconnect attempts
 * (seconds, more as its back-off grows) before failing them, which a client would see as silence.
 */
@Injectable()
export class RedisCoordinationHealth extends CoordinationHealth {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  reachable(): boolean {
    return this.redis.commands.status === 'ready';
  }
}
