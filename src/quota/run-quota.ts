import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CoordinationHealth, UserRuns } from '../coordination/coordination';
import { QuotaError, QuotaErrorCode } from './quota.error';

// A held run outlives its own timeout by this much before it stops counting (its instance died).
const HOLD_MARGIN_MS = 60000;
// How long the count may take before the connection's state is looked at again (see `held`).
const CUT_CHECK_MS = 200;

/** RUNS_IN_FLIGHT_PER_USER: a turn counts from its acceptance until it ends, whichever instance runs it. */
@Injectable()
export class RunQuota {
  private readonly logger = new Logger('RunQuota');

  constructor(
    private readonly runs: UserRuns,
    private readonly health: CoordinationHealth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the run against its user, or throws QuotaError when they already have their share in flight. */
  async acquire(userId: string | undefined, runId: string): Promise<void> {
    if (userId === undefined) return;
    const max = this.config.quotas.runsInFlightPerUser;
    if (!(await this.held(this.runs.acquire(userId, runId, max, this.holdMs()), userId, runId))) {
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

  /**
   * A message sent the instant Redis went away is counted while the connection still looks ready, and ioredis then
   * keeps the command through its reconnect attempts (seconds): if the connection is found gone meanwhile, the message
   * is refused at once (the caller maps it to log.unavailable) and a count that lands later is given back.
   */
  private async held(acquiring: Promise<boolean>, userId: string, runId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => {
      const check = () => (this.health.reachable() ? (timer = setTimeout(check, CUT_CHECK_MS)) : resolve('cut'));
      timer = setTimeout(check, CUT_CHECK_MS);
    });
    try {
      const first = await Promise.race([acquiring, cut]);
      if (first !== 'cut') return first;
      void acquiring.then((counted) => counted && this.release(userId, runId), () => undefined);
      throw new Error('Redis became unreachable while the run was being counted');
    } finally {
      clearTimeout(timer);
    }
  }

  private holdMs(): number {
    return this.config.run.timeoutMs + HOLD_MARGIN_MS;
  }
}
