import { Injectable } from '@nestjs/common';
import { assertChatId } from '../chat/chat.error';
import { replayAfter } from '../ws/replay-query';
import type { WsConnection } from '../ws/ws-connection';
import type { WsUpgradeCheck } from '../ws/ws-upgrade-check';
import { InteractService } from './interact.service';

/** Before the 101: a reconnect that names `convoId` (to resume after a seq) names one of the caller's conversations. */
@Injectable()
export class InteractUpgradeCheck implements WsUpgradeCheck {
  constructor(private readonly interact: InteractService) {}

  async check({ query, user }: WsConnection): Promise<void> {
    replayAfter(query);
    const convoId = query.get('convoId');
    if (convoId === null) return;
    assertChatId(convoId);
    await this.interact.assertOwner(user, convoId);
  }
}
