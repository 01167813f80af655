import { Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { EventLog } from './event-log';
import { RunRecovery } from './run-recovery';

@Module({
  imports: [HistoryModule],
  providers: [EventLog, RunRecovery],
  exports: [EventLog, RunRecovery],
})
export class EventLogModule {}
