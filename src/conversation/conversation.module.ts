import { Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { ConversationTranscript } from './conversation-transcript';
import { ConversationService } from './conversation.service';

@Module({
  imports: [HistoryModule],
  providers: [ConversationService, ConversationTranscript],
  exports: [ConversationService, ConversationTranscript],
})
export class ConversationModule {}
