import type { WebSocket } from 'ws';
import type { SlowClientGuard } from '../conversation/slow-client-guard';
import type { LogFollower, LogListener } from '../event-log/log-follower';
import type { LogEvent } from '../history/chat-log';
import { OrderedOutbox } from '../ws/ordered-outbox';
import { framesFor, type ChatServerFrame } from './chat.protocol';

/**
 * One client socket of a chat. Its frames are handled one at a time, in the order they came (a `cancel`
 * right after its `client` finds the message queued), and frames leave in the order they were queued, so
 * replies keep that order and `seq` never goes backwards: a reply that needs a database read
 * (`chat_history`) holds back the event frames queued after it, which lets its rows end exactly at its `seq`.
 */
export class ChatSocket implements LogListener {
  /** The seq of the last logged event this socket was sent, or that it joined the log after. */
  private position = 0;
  /** The last frame's handling; none until the client sends one (most sockets only listen). */
  private inbox: Promise<void> | null = null;
  private readonly outbox: OrderedOutbox;
  follower: Promise<LogFollower | null> = Promise.resolve(null);
  /**
   * Aborted when the socket closes while its follower is starting: one waiting out an outage gives up. Dropped once
   * it has started (an idle socket keeps nothing it no longer needs: thousands of them are held open).
   */
  gone: AbortController | null = new AbortController();

  constructor(
    readonly chatId: string,
    readonly userId: string,
    private readonly client: WebSocket,
    /** Backpressure: a socket that reads slowly holds the chat's run back for a while, then is closed (1013). */
    readonly guard: SlowClientGuard,
    private readonly failed: (error: unknown) => void,
    /** `?stream=1`: token deltas as frames too. */
    private readonly streaming: boolean,
  ) {
    this.outbox = new OrderedOutbox(failed);
  }

  /** Handles a client frame once the ones before it are handled. */
  inOrder(handle: () => void | Promise<void>): Promise<void> {
    this.inbox = (this.inbox ?? Promise.resolve()).then(handle).catch(this.failed);
    return this.inbox;
  }

  /** The frames of a logged event. */
  event(event: LogEvent): void {
    const frames = framesFor(event, this.streaming);
    this.send(() => {
      this.position = event.seq;
      for (const frame of frames) this.write(frame);
    });
  }

  drained(): Promise<void> | null {
    return this.guard.drained();
  }

  /** The follower has started (null: the socket closed first). It starts after its position: the socket has reached it. */
  started(follower: LogFollower | null): void {
    this.gone = null;
    if (!follower) return;
    const seq = follower.position;
    this.send(() => {
      this.position = Math.max(this.position, seq);
    });
  }

  /** A frame that is not in the log, built with the position reached once everything queued before it has left. */
  reply(build: (seq: number) => ChatServerFrame | Promise<ChatServerFrame>): void {
    this.send(async () => this.write(await build(this.position)));
  }

  /** Closes the socket once every frame queued before has left. */
  closeAfterQueued(code: number, reason: string): void {
    this.send(() => this.client.close(code, reason));
  }

  private send(work: () => void | Promise<void>): void {
    this.outbox.run(work);
  }

  private write(frame: ChatServerFrame): void {
    if (this.client.readyState !== this.client.OPEN) return;
    const text = JSON.stringify(frame);
    this.client.send(text);
    this.guard.sent(text.length);
  }
}
