import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationModule } from '../conversation/conversation.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';
import { PendingApprovalsRepository } from './pending-approvals.repository';

/** GET /approvals and POST /approvals/{approval_id}: tool calls waiting for the user's decision. */
@Module({
  imports: [AuthModule, ConversationModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService, PendingApprovalsRepository],
})
export class ApprovalsModule {}
