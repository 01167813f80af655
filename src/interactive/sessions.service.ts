import { Injectable } from '@nestjs/common';
import type { ChatInput } from '../agent/actions/interactive-context';
import type { AuthUser } from '../auth/auth-user';
import { assertChatId } from '../chat/chat.error';
import { InteractiveSessions, type AnswerOutcome } from './interactive-sessions';
import { SessionError, SessionErrorCode } from './interactive.error';
import { SessionStore } from './session.store';
import { SESSION_STATUSES, type AcceptedInput, type SessionInput, type SessionsQuery, type WaitingSession } from './sessions.dto';
import { WaitingSessionsRepository } from './waiting-sessions.repository';

/** The sessions REST API: an owner's waiting sessions, and answers that reach the execution wherever it runs. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: InteractiveSessions,
    private readonly store: SessionStore,
    private readonly repository: WaitingSessionsRepository,
  ) {}

  async list(user: AuthUser, query: SessionsQuery): Promise<WaitingSession[]> {
    if (!(SESSION_STATUSES as readonly string[]).includes(query.status)) {
      throw new SessionError(SessionErrorCode.UnknownStatus, `status must be one of: ${SESSION_STATUSES.join(', ')}`);
    }
    const rows = await this.repository.waiting(user.sub, { limit: query.limit, offset: query.offset });
    return rows.map((row) => ({ session_id: row.sessionId, route: row.route, question: row.question, asked_at: row.askedAt.toISOString(), seq: row.seq }));
  }

  async answer(user: AuthUser, sessionId: string, body: SessionInput): Promise<AcceptedInput> {
    assertChatId(sessionId);
    // Another user's session reads as unknown, as /history does, so ids cannot be probed.
    if ((await this.store.owner(sessionId)) !== user.sub) throw new SessionError(SessionErrorCode.NotFound, 'No session has this id');
    const input: ChatInput = { type: 'chat', message: body.message, metadata: body.metadata ?? null };
    const outcome = await this.deliver(sessionId, input);
    if (outcome === 'not_waiting') throw new SessionError(SessionErrorCode.NotWaiting, 'Nothing in this session waits for an answer');
    if (outcome === 'question_changed') {
      throw new SessionError(SessionErrorCode.QuestionChanged, 'The session now asks another question (its code changed): read it from GET /sessions?status=waiting and answer that');
    }
    return { session_id: sessionId, message: input.message, metadata: input.metadata };
  }

  private async deliver(sessionId: string, input: ChatInput): Promise<AnswerOutcome> {
    if (!(await this.store.unfinished(sessionId))?.pending) return 'not_waiting';
    // The same path as the socket's chat frame: to wherever it runs, or woken here.
    return this.sessions.input(sessionId, input);
  }
}
