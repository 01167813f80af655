import type { RunEvent } from '../agent/run-events';
import type { OperatorMessage, TurnRef, TurnSink } from './turn-sink';

export interface TurnJob extends TurnRef {
  content: string;
  agentId?: string;
  controller: AbortController;
}

/**
 * One conversation's run discipline in this process: at most one active run, the turns waiting behind
 * it, and the connections that receive its events. Pure bookkeeping; ConversationService does the I/O.
 */
export class ConversationLane {
  active: TurnJob | null = null;
  /** Settles when the active run (and everything queued behind it) has drained. */
  drained: Promise<void> = Promise.resolve();
  readonly queue: TurnJob[] = [];
  readonly sinks = new Set<TurnSink>();

  constructor(readonly chatId: string) {}

  broadcast(event: RunEvent, turn: TurnRef): void {
    for (const sink of this.sinks) sink.event(event, turn);
  }

  broadcastHeld(turn: TurnRef): void {
    for (const sink of this.sinks) sink.held(turn);
  }

  broadcastOperator(message: OperatorMessage): void {
    for (const sink of this.sinks) sink.operatorMessage(message);
  }

  /** Removes a waiting turn by message id; null when none waits under that id. */
  dequeue(messageId: string): TurnJob | null {
    const index = this.queue.findIndex((job) => job.messageId === messageId);
    return index < 0 ? null : (this.queue.splice(index, 1)[0] ?? null);
  }

  get idle(): boolean {
    return this.active === null && this.queue.length === 0 && this.sinks.size === 0;
  }
}
