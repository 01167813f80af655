import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { JSON_BODY } from '../openapi/api-errors';
import { DevTokenRequest, DevTokenResponse } from './dev-token.dto';
import { DEV_TOKENS_DISABLED, DevTokens } from './dev-tokens';

@ApiTags('auth')
@Controller('dev')
export class DevTokenController {
  constructor(private readonly tokens: DevTokens) {}

  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Development only: a token for any user and roles (the playground\'s "get a token" button)',
    description:
      'Answers only when the server signs with its generated development key: no `JWT_SECRET`, no `JWKS_URI`, ' +
      '`NODE_ENV` not `production`. Everywhere else it is `404 dev.tokens_disabled`. Needs no token.',
    security: [],
  })
  @ApiOkResponse({ type: DevTokenResponse, description: 'A token valid for one hour' })
  @ApiErrorResponses(JSON_BODY, {
    status: 404,
    description: 'The server has a real signing key (JWT_SECRET or JWKS_URI) or runs in production: it issues no tokens',
    codes: [DEV_TOKENS_DISABLED],
  })
  issueDevToken(@Body() body: DevTokenRequest): DevTokenResponse {
    return this.tokens.issue(body.sub, body.roles ?? []);
  }
}
