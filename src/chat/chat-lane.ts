import type { ChatServerFrame } from './chat.protocol';

/** A socket's side of a chat: where frames go, and whether it asked for token deltas. */
export interface ChatSink {
  readonly streaming: boolean;
  send(frame: ChatServerFrame): void;
}

export interface ChatJob {
  messageId: string;
  content: string;
  controller: AbortController;
}

/**
 * One chat's run discipline in this process: at most one active run, the messages waiting behind it,
 * and the sockets that receive its frames. Pure bookkeeping; ChatService decides and does the I/O.
 */
export class ChatLane {
  active: ChatJob | null = null;
  /** Settles when the active run (and everything queued behind it) has drained. */
  drained: Promise<void> = Promise.resolve();
  readonly queue: ChatJob[] = [];
  readonly sinks = new Set<ChatSink>();

  constructor(readonly chatId: string) {}

  broadcast(frames: ChatServerFrame[]): void {
    for (const frame of frames) for (const sink of this.sinks) if (frame.type !== 'agent_step_delta' || sink.streaming) sink.send(frame);
  }

  /** Removes a waiting job by message id; null when none waits under that id. */
  dequeue(messageId: string): ChatJob | null {
    const index = this.queue.findIndex((job) => job.messageId === messageId);
    return index < 0 ? null : (this.queue.splice(index, 1)[0] ?? null);
  }

  get idle(): boolean {
    return this.active === null && this.queue.length === 0 && this.sinks.size === 0;
  }
}
