import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { UserRuns } from '../coordination/coordination';
import { QuotaError, QuotaErrorCode } from './quota.error';

// A held run outlives its own timeout by this much before it stops counting (its instance died).
const HOLD_MARGIN_MS = 60000;

/** RUNS_IN_FLIGHT_PER_USER: a turn counts from its acceptance until it ends, whichever instance runs it. */
@Injectable()
export class RunQuota {
  private readonly logger = new Logger('RunQuota');

  constructor(
    private readonly runs: UserRuns,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the run against its user, or throws QuotaError when they already have their share in flight. */
  async acquire(userId: string | undefined, runId: string): Promise<void> {
    if (userId === undefined) return;
    const max = this.config.quotas.runsInFlightPerUser;
    if (!(await this.runs.acquire(userId, runId, max, this.holdMs()))) {
      throw new QuotaError(QuotaErrorCode.TooManyRuns, `At most ${max} messages per user may be waiting or running at once (RUNS_IN_FLIGHT_PER_USER)`, 1000);
    }
  }

  /** A queued turn that starts now holds its place for a whole run from here on. */
  async refresh(userId: string | undefined, runId: string): Promise<void> {
    if (userId === undefined) return;
    await this.runs.acquire(userId, runId, Number.MAX_SAFE_INTEGER, this.holdMs()).catch((error: unknown) => this.logger.warn(`run ${runId} of ${userId} not refreshed: ${String(error)}`));
  }

  /** Never fails the caller: a run not released stops counting when its hold expires. */
  release(userId: string | undefined, runId: string): void {
    if (userId === undefined) return;
    this.runs.release(userId, runId).catch((error: unknown) => this.logger.warn(`run ${runId} of ${userId} not released: ${String(error)}`));
  }

  private holdMs(): number {
    return this.config.run.timeoutMs + HOLD_MARGIN_MS;
  }
}
