import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { GatewayMetrics } from './gateway-metrics';
import { assertMetricsAccess } from './metrics-access';

/**
 * GET /metrics on the main port (mounted only when METRICS_PORT is unset). Left out of the OpenAPI document:
 * it is for Prometheus, not API clients, and whether PORT serves it depends on the configuration.
 */
@ApiExcludeController()
// Probes and scrapes come often from one address (the load balancer, Prometheus): never rate limited.
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    assertMetricsAccess(req.headers, this.config.metrics?.token ?? null);
    const text = await this.metrics.render();
    res.type(this.metrics.contentType);
    return text;
  }
}
