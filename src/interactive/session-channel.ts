import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';
import { RunSuspended } from '../agent/engine/action-run';

interface PendingInput {
  resolve(input: ChatInput): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | null;
}

/** What a question with no timeout does once it has waited `afterMs`: its execution leaves memory (see SessionExecutions). */
export interface IdleRule {
  afterMs: number;
  sleep(): void;
}

/**
 * Where an execution waits for the client's answer. The question itself reaches the client through the
 * event log (on whichever instance its socket is); the answer arrives here, forwarded if need be.
 */
export class SessionChannel {
  private pending: PendingInput | null = null;
  private early: ChatInput | null = null;
  /** Settles when an early answer is taken by the question it was meant for (true) or dropped (false). */
  private earlyFate: ((taken: boolean) => void) | null = null;

  /**
   * `awaitingAnswer`: the execution resumes towards a question the client was already asked; an answer
   * that arrives while it is still replaying its journal is kept for that question, not refused.
   */
  constructor(
    private awaitingAnswer = false,
    private readonly idle: IdleRule | null = null,
  ) {}

  /**
   * Resolves with the client's next chat input. With a `timeoutMs` (> 0) it rejects with InputTimeoutError
   * after it; without one it waits as long as the execution lives (days, across restarts through the journal).
   */
  ask(timeoutMs?: number): Promise<ChatInput> {
    this.awaitingAnswer = false;
    const early = this.early;
    this.early = null;
    if (early) {
      this.settleEarly(true);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const idle = this.idle;
      const timer = timeoutMs
        ? setTimeout(() => {
            this.pending = null;
            reject(new InputTimeoutError(timeoutMs));
          }, timeoutMs)
        : idle && idle.afterMs > 0
          ? setTimeout(() => idle.sleep(), idle.afterMs)
          : null;
      // A question never keeps the process alive: shutdown suspends it, and a resume asks it again.
      timer?.unref();
      this.pending = { resolve, reject, timer };
    });
  }

  /** A chat input from the client; false when nothing is waiting for one. */
  deliver(input: ChatInput): boolean {
    const pending = this.pending;
    if (!pending) {
      if (!this.awaitingAnswer || this.early) return false;
      this.early = input;
      return true;
    }
    if (pending.timer) clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(input);
    return true;
  }

  /** The resumed execution asks a different question than the one an early answer was given for: that answer is void. */
  dropEarly(): void {
    this.awaitingAnswer = false;
    this.early = null;
    this.settleEarly(false);
  }

  /**
   * Whether the answer just delivered reached the question it was given for: at once when the execution was waiting,
   * later for one that arrived while the execution replays (false when the code now asks another question).
   */
  delivered(): Promise<boolean> {
    if (!this.early) return Promise.resolve(true);
    return new Promise((resolve) => (this.earlyFate = resolve));
  }

  private settleEarly(taken: boolean): void {
    const fate = this.earlyFate;
    this.earlyFate = null;
    fate?.(taken);
  }

  suspend(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(new RunSuspended());
    }
  }
}
