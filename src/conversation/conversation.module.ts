import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { ConversationTranscript } from './conversation-transcript';
import { ConversationService } from './conversation.service';
import { RunReplay } from './run-replay';
import { StreamPressure } from './stream-pressure';
import { TurnExecutor } from './turn-executor';

@Module({
  imports: [HistoryModule, EventLogModule],
  providers: [ConversationService, ConversationTranscript, RunReplay, StreamPressure, TurnExecutor],
  exports: [ConversationService, ConversationTranscript, RunReplay, StreamPressure],
})
export class ConversationModule {}
