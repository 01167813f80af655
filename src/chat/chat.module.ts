import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module';
import { HistoryModule } from '../history/history.module';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { ChatGateway } from './chat.gateway';

@Module({
  imports: [ConversationModule, HistoryModule],
  providers: [ChatGateway, ChatUpgradeCheck],
})
export class ChatModule {}
