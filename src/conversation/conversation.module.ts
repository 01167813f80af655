import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { ConversationTranscript } from './conversation-transcript';
import { ConversationService } from './conversation.service';

@Module({
  imports: [HistoryModule, EventLogModule],
  providers: [ConversationService, ConversationTranscript],
  exports: [ConversationService, ConversationTranscript],
})
export class ConversationModule {}
