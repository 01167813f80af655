import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { DrainState } from '../common/drain-state';
import { RedisConnections } from '../coordination/redis/redis-connections';
import { DatabaseHealthRepository } from '../database/database-health.repository';

const PROBE_TIMEOUT_MS = 2000;

/** Liveness and readiness for orchestrators and load balancers; `/health` (HealthService) stays as it was. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly database: DatabaseHealthRepository,
    private readonly drain: DrainState,
    // Only provided when REDIS_URL is set.
    @Optional() @Inject(RedisConnections) private readonly redis?: RedisConnections,
  ) {}

  /** The process answers: nothing else is checked, so a database outage never gets the process restarted. */
  live(): Promise<HealthCheckResult> {
    return this.run([]);
  }

  ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => (this.drain.draining ? this.indicators.check('server').down({ message: 'Draining for shutdown' }) : this.indicators.check('server').up()),
      () => this.typeorm.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            const pending = await this.database.pendingMigrations();
            if (pending.length > 0) throw new Error(`Not applied: ${pending.join(', ')}`);
          })
          .withTimeout(PROBE_TIMEOUT_MS),
    ];
    const redis = this.redis?.commands;
    if (redis) {
      checks.push(() =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            // A reconnecting client would queue the PING and wait for the timeout; its state already says it all.
            if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
            await redis.ping();
          })
          .withTimeout(PROBE_TIMEOUT_MS),
      );
    }
    return this.run(checks);
  }

  // Terminus throws its 503 as an HttpException, which HttpErrorFilter would turn into an ErrorResponse without the per-check details.
  private async run(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    // Terminus says `shutting_down` once its own shutdown hook has run, which depends on the order Nest calls the
    // modules' hooks in. The checks say it all (a drain fails the `server` check), so they decide, whichever ran first.
    if (result.status !== 'shutting_down') return result;
    return { ...result, status: Object.keys(result.error ?? {}).length > 0 ? 'error' : 'ok' };
  }
}
