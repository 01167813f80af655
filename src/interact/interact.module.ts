import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationModule } from '../conversation/conversation.module';
import { HistoryModule } from '../history/history.module';
import { ConversationMessages } from './conversation-messages';
import { ConversationMessagesController } from './conversation-messages.controller';
import { ConversationsController } from './conversations.controller';
import { InteractUpgradeCheck } from './interact-upgrade.check';
import { InteractGateway } from './interact.gateway';
import { InteractService } from './interact.service';
import { OperatorGuard } from './operator.guard';
import { OperatorService } from './operator.service';

@Module({
  imports: [AuthModule, ConversationModule, HistoryModule],
  controllers: [ConversationsController, ConversationMessagesController],
  providers: [ConversationMessages, InteractGateway, InteractUpgradeCheck, InteractService, OperatorService, OperatorGuard],
})
export class InteractModule {}
