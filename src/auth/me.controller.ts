import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/error-response.dto';
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
  @ApiOkResponse({ type: MeResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing, malformed, expired or untrusted token' })
  me(@CurrentUser() user: AuthUser): MeResponse {
    return { sub: user.sub, roles: user.roles };
  }
}
