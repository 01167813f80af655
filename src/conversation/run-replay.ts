import { Injectable } from '@nestjs/common';
import { EventLog } from '../event-log/event-log';
import { MESSAGE_END_TYPES, type LogEvent } from '../history/chat-log';
import { HistoryRepository } from '../history/history.repository';

/** A run's logged events from its first to its end, for answering a repeated message with the stored answer. */
@Injectable()
export class RunReplay {
  constructor(
    private readonly log: EventLog,
    private readonly history: HistoryRepository,
  ) {}

  /**
   * Resolves once the run answering `messageId` has ended, with all its events. A run still waiting or in
   * flight is followed live (on whichever instance it runs); `signal` gives up waiting.
   */
  async events(chatId: string, runId: string, messageId: string, signal: AbortSignal): Promise<LogEvent[]> {
    // Its first event (the message, or a greeting's start); a run still queued logs it after today's top.
    const top = await this.log.top(chatId);
    const first = await this.history.firstEventWith(chatId, ['user.message', 'run.started'], 'messageId', messageId);
    const firstSeq = first?.seq ?? top + 1;
    const events: LogEvent[] = [];
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const follower = await this.log.follow(chatId, firstSeq - 1, {
      event: (event) => {
        if (event.runId !== runId) return;
        events.push(event);
        if ((MESSAGE_END_TYPES as readonly string[]).includes(event.type)) ended();
      },
    });
    try {
      await Promise.race([done, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }))]);
      return events;
    } finally {
      follower.stop();
    }
  }
}
