import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ChatLocks } from '../coordination/coordination';
import { HistoryRepository } from '../history/history.repository';
import type { ChatWriter } from './chat-writer';
import { EventLog } from './event-log';

/** Takes over a chat whose run was in flight on an instance that is gone; it owns (and closes) the writer. */
export type Recoverer = (writer: ChatWriter, id: string) => Promise<void>;

const SWEEP_BATCH = 100;

/**
 * Finds work an instance left behind when it died or was killed: a chat whose log says a run (`turn:…`)
 * or an interactive execution (`session:…`) is in flight, while nobody holds the chat's lock any more.
 * Runs at start-up (a single instance recovers from its own crash) and every lock TTL after.
 */
@Injectable()
export class RunRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunRecovery');
  private readonly recoverers = new Map<string, Recoverer>();
  private readonly sweeps: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly locks: ChatLocks,
    private readonly repository: HistoryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `kind` is the prefix of the chat's active run marker. */
  register(kind: string, recoverer: Recoverer): void {
    this.recoverers.set(kind, recoverer);
  }

  /** More left-behind work to look for on every sweep (queued turns). */
  alsoSweep(sweep: () => Promise<void>): void {
    this.sweeps.push(sweep);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(1000, this.config.coordination.lockTtlMs));
    this.timer.unref();
    void this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  sweep(): Promise<void> {
    this.running ??= this.recoverAll()
      .catch((error: unknown) => this.logger.warn(`recovery sweep failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async recoverAll(): Promise<void> {
    // Every chat in flight, a page at a time: under load most are held by live instances, and a first page of them
    // must not hide the ones a stopped instance left behind.
    for (let after = ''; ; ) {
      const page = await this.repository.activeRuns(SWEEP_BATCH, after);
      for (const { chatId, activeRun } of page) await this.recover(chatId, activeRun);
      if (page.length < SWEEP_BATCH) break;
      after = page.at(-1)!.chatId;
    }
    for (const sweep of this.sweeps) await sweep();
  }

  private async recover(chatId: string, activeRun: string): Promise<void> {
    const [kind = '', id = ''] = activeRun.split(/:(.*)/s);
    const recoverer = this.recoverers.get(kind);
    if (!recoverer || (await this.locks.isHeld(chatId))) return;
    const writer = await this.log.open(chatId);
    if (!writer) return;
    // It may have finished between the query and the lock.
    if ((await this.repository.activeRun(chatId)) !== activeRun) {
      await writer.close();
      return;
    }
    this.logger.log(`chat ${chatId}: taking over ${activeRun}, left behind by an instance that stopped`);
    writer.skipUnstoredTail();
    await recoverer(writer, id).catch((error: unknown) => this.logger.error(`recovering ${activeRun} of chat ${chatId} failed`, error instanceof Error ? error.stack : String(error)));
  }
}
