import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { ConversationTranscript } from './conversation-transcript';
import { ConversationService } from './conversation.service';
import { RunReplay } from './run-replay';

@Module({
  imports: [HistoryModule, EventLogModule],
  providers: [ConversationService, ConversationTranscript, RunReplay],
  exports: [ConversationService, ConversationTranscript, RunReplay],
})
export class ConversationModule {}
