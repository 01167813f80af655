import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';

/** The execution stopped without an outcome (server shutdown): its journal stays open for a resume. */
export class ExecutionSuspended extends Error {
  constructor() {
    super('The execution was suspended');
    this.name = 'ExecutionSuspended';
  }
}

interface PendingInput {
  resolve(input: ChatInput): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Where an execution waits for the client's answer. The question itself reaches the client through the
 * event log (on whichever instance its socket is); the answer arrives here, forwarded if need be.
 */
export class SessionChannel {
  private pending: PendingInput | null = null;
  private early: ChatInput | null = null;

  /**
   * `awaitingAnswer`: the execution resumes towards a question the client was already asked; an answer
   * that arrives while it is still replaying its journal is kept for that question, not refused.
   */
  constructor(private awaitingAnswer = false) {}

  /** Resolves with the client's next chat input; rejects with InputTimeoutError after `timeoutMs`. */
  ask(timeoutMs: number): Promise<ChatInput> {
    this.awaitingAnswer = false;
    const early = this.early;
    this.early = null;
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new InputTimeoutError(timeoutMs));
      }, timeoutMs);
      timer.unref();
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
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(input);
    return true;
  }

  suspend(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new ExecutionSuspended());
    }
  }
}
