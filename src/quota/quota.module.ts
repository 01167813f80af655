import { Global, Module } from '@nestjs/common';
import { RestThrottlingModule } from './rest-throttling.module';
import { RunQuota } from './run-quota';

/** The quotas services share; the WebSocket ones live in the adapter (app.setup.ts), REST's rate in RestThrottlingModule. */
@Global()
@Module({ imports: [RestThrottlingModule], providers: [RunQuota], exports: [RunQuota] })
export class QuotaModule {}
