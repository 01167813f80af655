import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DrainState } from '../common/drain-state';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { ReadinessService } from './readiness.service';

@Module({
  // No Terminus logger: a failing probe, polled every few seconds (and during every drain), would flood the log
  // with errors; the 503 body names the failing check.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthService, ReadinessService, DrainState],
  exports: [DrainState],
})
export class HealthModule {}
