import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthResponse } from './health.response';
import { HealthService } from './health.service';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly readiness: ReadinessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: checks the database. No authentication.' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'The database does not answer' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const result = await this.health.check();
    res.status(result.status === 'ok' ? 200 : 503);
    return result;
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers. No authentication.' })
  async live(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return withStatus(res, await this.readiness.live());
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database reachable, migrations applied, Redis reachable (when configured), not draining. No authentication.',
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return withStatus(res, await this.readiness.ready());
  }
}

function withStatus(res: Response, result: HealthCheckResult): HealthCheckResult {
  res.status(result.status === 'ok' ? 200 : 503);
  return result;
}
