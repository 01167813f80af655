import { Body, Controller, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED, JSON_BODY, RUN_FAILED, RUN_QUOTA, UNKNOWN_AGENT } from '../openapi/api-errors';
import { AgentRunService } from './agent-run.service';
import { AgentStep } from './agent-step.dto';
import { RunAgentRequest } from './run-agent.dto';

@ApiTags('agent')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('agent')
export class AgentRunController {
  constructor(private readonly service: AgentRunService) {}

  @Post('run')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Run an agent on one task, statelessly, and return its steps',
    description:
      'Runs the task to its end and answers with every finished step in order (plans, execution logs, the final answer). ' +
      'Nothing is stored: no chat is created and no history is written; `chat_id` only names the run. ' +
      'When the run fails the answer is the error alone: the steps finished before the failure are not returned. ' +
      'Closing the connection cancels the run.',
  })
  @ApiOkResponse({ type: [AgentStep], description: 'The finished steps, in order; the last one is the FinalAnswerStep' })
  @ApiErrorResponses(AUTHENTICATED, JSON_BODY, UNKNOWN_AGENT, RUN_QUOTA, RUN_FAILED)
  runAgent(@CurrentUser() user: AuthUser, @Body() body: RunAgentRequest, @Res({ passthrough: true }) res: Response): Promise<AgentStep[]> {
    return this.service.run(user.sub, body, abortWhenClientLeaves(res));
  }
}

/**
 * Aborts when the connection closes before the answer was sent. The response's 'close' is the signal:
 * the request's 'close' also fires as soon as its body was read, and the response's fires after a normal
 * answer too, which `writableFinished` tells apart.
 */
function abortWhenClientLeaves(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort('The client closed the connection');
  });
  return controller.signal;
}
