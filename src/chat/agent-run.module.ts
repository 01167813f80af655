import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AgentRunController } from './agent-run.controller';
import { AgentRunService } from './agent-run.service';

/** `POST /agent/run`. AgentRunner and AgentRegistry come from the app's one (global) AgentModule instance. */
@Module({ imports: [AuthModule], controllers: [AgentRunController], providers: [AgentRunService] })
export class AgentRunModule {}
