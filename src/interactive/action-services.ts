import 'reflect-metadata';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ModelMessage } from 'ai';
import type { Action, ActionClass } from '../agent/actions/action';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationTranscript } from '../conversation/conversation-transcript';

// Where Nest keeps the tokens of `@Inject(TOKEN)` constructor parameters.
const INJECTED_TOKENS = 'self:paramtypes';

/** What an execution's action tree needs from the application: the injector and the session's past. */
@Injectable()
export class ActionServices {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly transcript: ConversationTranscript,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new instance, its constructor given providers from any module: an action needs no registration. */
  create<T extends Action>(actionClass: ActionClass<T>): T {
    const types = (Reflect.getMetadata('design:paramtypes', actionClass) as unknown[] | undefined) ?? [];
    const injected = (Reflect.getMetadata(INJECTED_TOKENS, actionClass) as Array<{ index: number; param: unknown }> | undefined) ?? [];
    const deps = types.map((type, index) => {
      const token = injected.find((entry) => entry.index === index)?.param ?? type;
      try {
        return this.moduleRef.get<unknown>(token as string, { strict: false });
      } catch {
        throw new Error(`${actionClass.name} needs ${tokenName(token)} (constructor parameter #${index + 1}), which no module provides`);
      }
    });
    return new actionClass(...deps);
  }

  /** The session's earlier exchanges (CHAT_MEMORY_TURNS of them), before this execution's message. */
  earlierMessages(sessionId: string, executionId: string): Promise<ModelMessage[]> {
    return this.transcript.memory(sessionId, this.config.chat.memoryTurns, executionId);
  }
}

function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name;
  return String(token);
}
