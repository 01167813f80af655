import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { ApiProbeErrorResponses } from '../openapi/api-error-responses.decorator';
import { HealthResponse } from './health.response';
import { HealthService } from './health.service';
import { ReadinessService } from './readiness.service';

// The probes answer anyone: `security: []` says so rather than leaving it unsaid.
@ApiTags('health')
// Probes and scrapes come often from one address (the load balancer, Prometheus): never rate limited.
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly readiness: ReadinessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: checks the database. No authentication.', security: [] })
  @ApiOkResponse({ type: HealthResponse, description: 'The database answers' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'The database does not answer' })
  @ApiProbeErrorResponses()
  async getHealth(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const result = await this.health.check();
    res.status(result.status === 'ok' ? 200 : 503);
    return result;
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers. No authentication.', security: [] })
  @ApiProbeErrorResponses()
  async getLiveness(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return withStatus(res, await this.readiness.live());
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database reachable, migrations applied, Redis reachable (when configured), not draining. No authentication.',
    security: [],
  })
  @ApiProbeErrorResponses()
  async getReadiness(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return withStatus(res, await this.readiness.ready());
  }
}

function withStatus(res: Response, result: HealthCheckResult): HealthCheckResult {
  res.status(result.status === 'ok' ? 200 : 503);
  return result;
}
