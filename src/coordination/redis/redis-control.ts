import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ChatControl, type ControlHandler, type ControlRequest } from '../coordination';
import { keys, RedisConnections } from './redis-connections';

interface Envelope {
  id: string;
  replyTo: string;
  request: ControlRequest;
}

interface Reply {
  id: string;
  result?: unknown;
  error?: string;
}

/** Requests to a chat's lock holder over pub/sub; answers come back on the asking instance's own channel. */
@Injectable()
export class RedisChatControl extends ChatControl {
  private readonly logger = new Logger('RedisChatControl');
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  private replies: Promise<unknown> | null = null;

  constructor(private readonly redis: RedisConnections) {
    super();
  }

  serve(chatId: string, handler: ControlHandler): Promise<() => void> {
    return this.redis.subscribe(keys.control(chatId), (message) => {
      const envelope = JSON.parse(message) as Envelope;
      handler(envelope.request).then(
        (result) => this.answer(envelope, { id: envelope.id, result }),
        (error: unknown) => this.answer(envelope, { id: envelope.id, error: error instanceof Error ? error.message : String(error) }),
      );
    });
  }

  async request(chatId: string, request: ControlRequest, timeoutMs: number): Promise<unknown> {
    const replies = (this.replies ??= this.redis.subscribe(keys.reply(this.redis.instanceId), (message) => {
      const reply = JSON.parse(message) as Reply;
      this.waiting.get(reply.id)?.(reply);
    }));
    // A subscription that failed is made again by the next request, not kept failing every request after it.
    await replies.catch((error: unknown) => {
      if (this.replies === replies) this.replies = null;
      throw error;
    });
    const id = randomUUID();
    const answered = new Promise<Reply | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
    try {
      const envelope: Envelope = { id, replyTo: keys.reply(this.redis.instanceId), request };
      // Nobody subscribed means nobody holds the chat: no need to wait for the timeout.
      if ((await this.redis.commands.publish(keys.control(chatId), JSON.stringify(envelope))) === 0) return undefined;
      const reply = await answered;
      if (reply?.error) this.logger.warn(`control ${request.kind} on chat ${chatId} failed at the holder: ${reply.error}`);
      return reply?.result;
    } finally {
      this.waiting.delete(id);
    }
  }

  private answer(envelope: Envelope, reply: Reply): void {
    this.redis.commands.publish(envelope.replyTo, JSON.stringify(reply)).catch((error: Error) => this.logger.warn(error.message));
  }
}
