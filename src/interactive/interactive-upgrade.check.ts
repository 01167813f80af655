import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CHAT_ID_PATTERN, ChatError, ChatErrorCode } from '../chat/chat.error';
import { replayAfter } from '../ws/replay-query';
import type { WsConnection } from '../ws/ws-connection';
import type { WsUpgradeCheck } from '../ws/ws-upgrade-check';
import { InteractiveError, InteractiveErrorCode } from './interactive.error';
import { InteractiveRoutes } from './interactive-routes';
import { SessionStore } from './session.store';

export const SESSION_HEADER = 'X-Session-Id';
const MAX_MESSAGE = 20000;

/**
 * Before the 101: the route is a mounted agent, `message` is present, and the session is the caller's.
 * A missing `session_id` is generated; the 101 response carries it in X-Session-Id either way.
 */
@Injectable()
export class InteractiveUpgradeCheck implements WsUpgradeCheck {
  constructor(
    private readonly routes: InteractiveRoutes,
    private readonly sessions: SessionStore,
  ) {}

  async check(connection: WsConnection): Promise<void> {
    const route = connection.params.route ?? '';
    if (!this.routes.find(route)) throw new InteractiveError(InteractiveErrorCode.RouteNotFound, `No interactive agent is mounted at /${route}`);
    const message = connection.query.get('message');
    if (!message?.trim() || message.length > MAX_MESSAGE) {
      throw new InteractiveError(InteractiveErrorCode.MissingMessage, `The message query parameter is required (1–${MAX_MESSAGE} characters)`);
    }
    replayAfter(connection.query);
    const sessionId = connection.query.get('session_id') ?? randomUUID();
    if (!CHAT_ID_PATTERN.test(sessionId)) {
      throw new InteractiveError(InteractiveErrorCode.InvalidSessionId, 'session_id must be 1–128 characters of letters, digits, _ . : or -');
    }
    if ((await this.sessions.claim(sessionId, connection.user.sub)) !== connection.user.sub) {
      throw new ChatError(ChatErrorCode.Forbidden, 'This session cannot be opened with your token');
    }
    connection.query.set('session_id', sessionId);
    connection.responseHeaders = { ...connection.responseHeaders, [SESSION_HEADER]: sessionId };
  }
}
