import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED } from '../openapi/api-errors';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';
import { JwtAuthGuard } from './jwt-auth.guard';
import { MeResponse } from './me.response';

@ApiTags('auth')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('auth')
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'The caller as the server sees it: the token subject and roles' })
  @ApiOkResponse({ type: MeResponse, description: "The token's subject and roles" })
  @ApiErrorResponses(AUTHENTICATED)
  getMe(@CurrentUser() user: AuthUser): MeResponse {
    return { sub: user.sub, roles: user.roles };
  }
}
