import { Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { ChatTranscript } from './chat-transcript';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';

@Module({
  imports: [HistoryModule],
  providers: [ChatGateway, ChatService, ChatTranscript, ChatUpgradeCheck],
})
export class ChatModule {}
