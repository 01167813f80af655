import { Module } from '@nestjs/common';
import { readAsyncApiDocument } from './asyncapi-document';
import { ContractsController } from './contracts.controller';
import { ASYNCAPI_DOCUMENT } from './contracts.tokens';

/** The machine-readable contracts that are not generated from the code: the WebSocket protocols' AsyncAPI document. */
@Module({
  controllers: [ContractsController],
  providers: [{ provide: ASYNCAPI_DOCUMENT, useFactory: readAsyncApiDocument }],
})
export class ContractsModule {}
