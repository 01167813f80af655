import { Injectable } from '@nestjs/common';
import { DatabaseHealthRepository } from '../database/database-health.repository';
import type { HealthResponse } from './health.response';

const DATABASE_PROBE_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(private readonly database: DatabaseHealthRepository) {}

  async check(): Promise<HealthResponse> {
    const up = await this.database.ping(DATABASE_PROBE_TIMEOUT_MS);
    return { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
  }
}
