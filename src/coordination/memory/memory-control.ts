import { Injectable } from '@nestjs/common';
import { ChatControl, type ControlHandler, type ControlRequest } from '../coordination';

/** One process: the holder's handler is called directly. */
@Injectable()
export class MemoryChatControl extends ChatControl {
  private readonly handlers = new Map<string, ControlHandler>();

  serve(chatId: string, handler: ControlHandler): Promise<() => void> {
    this.handlers.set(chatId, handler);
    return Promise.resolve(() => {
      if (this.handlers.get(chatId) === handler) this.handlers.delete(chatId);
    });
  }

  async request(chatId: string, request: ControlRequest, timeoutMs: number): Promise<unknown> {
    const handler = this.handlers.get(chatId);
    if (!handler) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    try {
      return await Promise.race([handler(request), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
