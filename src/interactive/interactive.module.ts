import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { ConversationModule } from '../conversation/conversation.module';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { ActionServices } from './action-services';
import { InteractiveRoutes } from './interactive-routes';
import { InteractiveSessions } from './interactive-sessions';
import { InteractiveUpgradeCheck } from './interactive-upgrade.check';
import { InteractiveGateway } from './interactive.gateway';
import { SessionExecutions } from './session-executions';
import { SessionStore } from './session.store';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { WaitingSessionsRepository } from './waiting-sessions.repository';

@Module({})
export class InteractiveModule {
  /** Mounts every @InteractiveRouter provider of any module below INTERACTIVE_BASE_PATH (the seed's example comes with DemoModule). */
  static forRoot(config: AppConfig): DynamicModule {
    // The base path is configuration, so the gateway's path is set here rather than in a static decorator.
    WebSocketGateway({ path: `${config.interactive.basePath}/*route`, upgradeCheck: InteractiveUpgradeCheck, protocol: 'interactive' })(
      InteractiveGateway,
    );
    return {
      module: InteractiveModule,
      // AuthModule: the sessions REST API's JwtAuthGuard.
      imports: [DiscoveryModule, AuthModule, HistoryModule, EventLogModule, ConversationModule],
      controllers: [SessionsController],
      providers: [
        ActionServices,
        InteractiveGateway,
        InteractiveRoutes,
        InteractiveSessions,
        InteractiveUpgradeCheck,
        SessionExecutions,
        SessionStore,
        SessionsService,
        WaitingSessionsRepository,
      ],
    };
  }
}
