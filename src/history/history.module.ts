import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationRepository } from './conversation.repository';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';

@Module({
  // AuthModule exports JwtAuthGuard and the TokenVerifier it needs.
  imports: [AuthModule],
  controllers: [HistoryController],
  providers: [HistoryRepository, ConversationRepository, HistoryService],
  exports: [HistoryRepository, ConversationRepository, HistoryService],
})
export class HistoryModule {}
