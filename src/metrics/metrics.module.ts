import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';

/**
 * The metrics every module reports to (global), and where they are read: GET /metrics on the main port, or on
 * METRICS_PORT alone. With METRICS_ENABLED=false the counters still move (cheaply) but nothing serves them.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const served = config.metrics;
    return {
      module: MetricsModule,
      controllers: served && served.port === null ? [MetricsController] : [],
      providers: [GatewayMetrics, MetricsServer],
      exports: [GatewayMetrics],
    };
  }
}
