import { Injectable } from '@nestjs/common';
import { HistoryService } from '../history/history.service';
import type { WsConnection } from '../ws/ws-connection';
import { replayAfter } from '../ws/replay-query';
import type { WsUpgradeCheck } from '../ws/ws-upgrade-check';
import { assertChatId, ChatError, ChatErrorCode } from './chat.error';

/** Before the 101: the chat id and `after` are well-formed, and the chat is the caller's (first use claims it). */
@Injectable()
export class ChatUpgradeCheck implements WsUpgradeCheck {
  constructor(private readonly history: HistoryService) {}

  async check({ params, user, query }: WsConnection): Promise<void> {
    const chatId = params.chatId ?? '';
    assertChatId(chatId);
    replayAfter(query);
    const owner = await this.history.claim(chatId, user.sub);
    // The same words whoever owns it: a refusal must not tell one user about another's chats.
    if (owner !== user.sub) throw new ChatError(ChatErrorCode.Forbidden, 'This chat cannot be opened with your token');
  }
}
