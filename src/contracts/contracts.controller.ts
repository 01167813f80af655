import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { ASYNCAPI_DOCUMENT } from './contracts.tokens';

@ApiTags('contracts')
@Controller()
export class ContractsController {
  constructor(@Inject(ASYNCAPI_DOCUMENT) private readonly asyncApi: string) {}

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOperation({ summary: 'The AsyncAPI 3.0 document of the three WebSocket protocols (chat, interact, interactive). No authentication.', security: [] })
  @ApiProduces('application/yaml')
  @ApiOkResponse({ description: 'docs/asyncapi.yaml, byte for byte', schema: { type: 'string' } })
  @ApiErrorResponses()
  getAsyncApi(): string {
    return this.asyncApi;
  }
}
