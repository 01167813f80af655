import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { assertChatId } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationTranscript } from '../conversation/conversation-transcript';
import { HistoryService } from '../history/history.service';
import type { ConversationMessage } from './conversation-messages.dto';

export const MAX_TRANSCRIPT_MESSAGES = 200;

/** A conversation's messages for its owner and for operators, who cannot read it through /history. */
@Injectable()
export class ConversationMessages {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly history: HistoryService,
    private readonly transcript: ConversationTranscript,
  ) {}

  async read(user: AuthUser, convoId: string): Promise<ConversationMessage[]> {
    assertChatId(convoId);
    const owner = await this.history.ownerOf(convoId);
    // Unknown and other users' conversations read as empty, as /history does, so nobody learns which ids exist.
    if (owner === null || (owner !== user.sub && !user.roles.includes(this.config.interact.operatorRole))) return [];
    const turns = await this.transcript.turns(convoId, MAX_TRANSCRIPT_MESSAGES, Number.MAX_SAFE_INTEGER - 1);
    return turns.map((turn) => ({ role: turn.role, content: turn.content, timestamp: turn.at.toISOString() }));
  }
}
