import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CHAT_ID_PATTERN } from '../chat/chat.error';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator';
import { AUTHENTICATED, BAD_PATH_ESCAPE, DATABASE_DOWN, INVALID_CHAT_ID, INVALID_FIELDS, JSON_BODY, LOG_UNAVAILABLE } from '../openapi/api-errors';
import { SessionErrorCode } from './interactive.error';
import { AcceptedInput, SessionInput, SessionsQuery, WaitingSession } from './sessions.dto';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's interactive sessions whose current execution waits on a question, newest question first",
    description: 'Answer one with `POST /sessions/{session_id}/input`, or over its WebSocket with a `chat` frame.',
  })
  @ApiOkResponse({ type: [WaitingSession], description: 'One page of waiting sessions' })
  @ApiErrorResponses(
    AUTHENTICATED,
    { status: 400, description: '`status` is not one this API knows', codes: [SessionErrorCode.UnknownStatus] },
    INVALID_FIELDS,
    DATABASE_DOWN,
  )
  listSessions(@CurrentUser() user: AuthUser, @Query() query: SessionsQuery): Promise<WaitingSession[]> {
    return this.sessions.list(user, query);
  }

  @Post(':session_id/input')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Answers the question a session waits on, from any instance, whether or not a socket is attached',
    description:
      'The answer goes to the waiting execution wherever it runs; one that no instance runs (after a restart) is resumed with it. ' +
      'What the answer does shows as usual: the next frames on an attached socket, the history, the next question. An answer that ' +
      "does not fit the question's schema is accepted here too, and the question is asked again with `error.code` `input.invalid`.",
  })
  @ApiParam({
    name: 'session_id',
    description: '1–128 characters of letters, digits, _ . : or -',
    schema: { type: 'string', minLength: 1, maxLength: 128, pattern: CHAT_ID_PATTERN.source, example: 'a1b2c3' },
  })
  @ApiAcceptedResponse({ type: AcceptedInput, description: 'The answer was handed to the waiting execution' })
  @ApiErrorResponses(
    AUTHENTICATED,
    JSON_BODY,
    INVALID_CHAT_ID,
    BAD_PATH_ESCAPE,
    { status: 404, description: "No session has this id, or it is another user's", codes: [SessionErrorCode.NotFound] },
    {
      status: 409,
      description: 'Nothing in the session waits for an answer; or the session was asleep and its code, changed by a deploy, now asks another question (the answer was not used)',
      codes: [SessionErrorCode.NotWaiting, SessionErrorCode.QuestionChanged],
    },
    LOG_UNAVAILABLE,
    DATABASE_DOWN,
  )
  answerSession(@CurrentUser() user: AuthUser, @Param('session_id') sessionId: string, @Body() body: SessionInput): Promise<AcceptedInput> {
    return this.sessions.answer(user, sessionId, body);
  }
}
