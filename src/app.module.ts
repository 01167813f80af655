import { Module, type DynamicModule } from '@nestjs/common';
import { AgentModule } from './agent/agent.module';
import { AuthModule } from './auth/auth.module';
import { AgentRunModule } from './chat/agent-run.module';
import { ChatModule } from './chat/chat.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CoordinationModule } from './coordination/coordination.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { InteractModule } from './interact/interact.module';
import { InteractiveModule } from './interactive/interactive.module';
import { LegacyPorts } from './ws/legacy-ports';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        CoordinationModule.forRoot(config),
        AuthModule,
        HealthModule,
        HistoryModule,
        AgentModule.forRoot(),
        ChatModule,
        AgentRunModule,
        InteractModule,
        InteractiveModule.forRoot(config),
      ],
      providers: [LegacyPorts],
    };
  }
}
