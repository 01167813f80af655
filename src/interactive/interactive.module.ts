import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import type { AppConfig } from '../config/app-config';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { InteractiveRoutes } from './interactive-routes';
import { InteractiveSessions } from './interactive-sessions';
import { InteractiveUpgradeCheck } from './interactive-upgrade.check';
import { InteractiveGateway } from './interactive.gateway';
import { SessionExecutions } from './session-executions';
import { SessionStore } from './session.store';

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
      imports: [DiscoveryModule, HistoryModule, EventLogModule],
      providers: [InteractiveGateway, InteractiveRoutes, InteractiveSessions, InteractiveUpgradeCheck, SessionExecutions, SessionStore],
    };
  }
}
