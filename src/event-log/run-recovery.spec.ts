import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { ChatLocks } from '../coordination/coordination';
import type { HistoryRepository } from '../history/history.repository';
import type { ChatWriter } from './chat-writer';
import type { EventLog } from './event-log';
import { RunRecovery } from './run-recovery';

/** 250 chats in flight, ids in order; the first 200 held by live instances, the last 50 left behind. */
function recoveryOver(chats: number, held: number) {
  const ids = Array.from({ length: chats }, (_, index) => `chat-${String(index).padStart(4, '0')}`);
  const active = new Map(ids.map((id) => [id, `turn:${id}`]));
  const repository = {
    activeRuns: (limit: number, after = '') =>
      Promise.resolve(ids.filter((id) => id > after && active.has(id)).slice(0, limit).map((chatId) => ({ chatId, activeRun: active.get(chatId)! }))),
    activeRun: (chatId: string) => Promise.resolve(active.get(chatId) ?? null),
  } as unknown as HistoryRepository;
  const locks = { isHeld: (chatId: string) => Promise.resolve(ids.indexOf(chatId) < held) } as unknown as ChatLocks;
  const writer = { skipUnstoredTail: () => undefined, close: () => Promise.resolve() } as unknown as ChatWriter;
  const log = { open: () => Promise.resolve(writer) } as unknown as EventLog;
  const recovery = new RunRecovery(log, locks, repository, { coordination: { lockTtlMs: 60_000 } } as AppConfig);
  const recovered: string[] = [];
  recovery.register('turn', (_writer, id) => Promise.resolve(void recovered.push(id)));
  return { recovery, recovered };
}

describe('RunRecovery', () => {
  it('looks at every chat in flight, not only the first page: the ones left behind after 200 live ones are taken over', async () => {
    const { recovery, recovered } = recoveryOver(250, 200);
    await recovery.sweep();
    expect(recovered).toHaveLength(50);
    expect(recovered[0]).toBe('chat-0200');
  });
});
