import { Injectable } from '@nestjs/common';
import { UserRuns } from '../coordination';

/** One process: each user's held runs with their expiry. */
@Injectable()
export class MemoryUserRuns extends UserRuns {
  private readonly users = new Map<string, Map<string, number>>();

  acquire(userId: string, runId: string, max: number, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const runs = this.users.get(userId) ?? new Map<string, number>();
    for (const [held, expires] of runs) if (expires <= now) runs.delete(held);
    if (!runs.has(runId) && runs.size >= max) return Promise.resolve(false);
    runs.set(runId, now + ttlMs);
    this.users.set(userId, runs);
    return Promise.resolve(true);
  }

  release(userId: string, runId: string): Promise<void> {
    const runs = this.users.get(userId);
    runs?.delete(runId);
    if (runs?.size === 0) this.users.delete(userId);
    return Promise.resolve();
  }
}
