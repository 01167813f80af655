import { Module, type DynamicModule } from '@nestjs/common';
import { AgentModule } from './agent/agent.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuthModule } from './auth/auth.module';
import { AgentRunModule } from './chat/agent-run.module';
import { ChatModule } from './chat/chat.module';
import type { AppConfig } from './config/app-config';
import { RequestLimitsModule } from './common/request-limits.module';
import { ConfigModule } from './config/config.module';
import { ContractsModule } from './contracts/contracts.module';
import { CoordinationModule } from './coordination/coordination.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { ExtensionsModule } from './extensions.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { InteractModule } from './interact/interact.module';
import { InteractiveModule } from './interactive/interactive.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlaygroundModule } from './playground/playground.module';
import { QuotaModule } from './quota/quota.module';
import { TracingModule } from './tracing/tracing.module';
import { LegacyPorts } from './ws/legacy-ports';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        RequestLimitsModule,
        MetricsModule.forRoot(config),
        TracingModule,
        DatabaseModule.forRoot(config),
        CoordinationModule.forRoot(config),
        QuotaModule,
        AuthModule,
        HealthModule,
        ContractsModule,
        HistoryModule,
        AgentModule.forRoot({ demoContent: config.demoContent }),
        ChatModule,
        AgentRunModule,
        InteractModule,
        ApprovalsModule,
        InteractiveModule.forRoot(config),
        ...(config.demoContent ? [DemoModule] : []),
        ExtensionsModule,
        PlaygroundModule,
      ],
      providers: [LegacyPorts],
    };
  }
}
