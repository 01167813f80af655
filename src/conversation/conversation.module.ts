import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { HistoryModule } from '../history/history.module';
import { ApprovalGates } from './approval-gates';
import { ConversationTranscript } from './conversation-transcript';
import { ConversationService } from './conversation.service';
import { RunReplay } from './run-replay';
import { RunRebuild } from './run-rebuild';
import { StreamPressure } from './stream-pressure';
import { TurnExecutor } from './turn-executor';

@Module({
  imports: [HistoryModule, EventLogModule],
  providers: [ConversationService, ConversationTranscript, RunReplay, StreamPressure, TurnExecutor, ApprovalGates, RunRebuild],
  exports: [ConversationService, ConversationTranscript, RunReplay, StreamPressure],
})
export class ConversationModule {}
