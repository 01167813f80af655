import { AgentError, AgentErrorCode } from '../agent/agent.error';

/**
 * RUN_TIMEOUT_MS for an interactive execution. A chat run is one input → its answer; here each input (the
 * session's message, then every answer to a `waitForInput`) starts a stretch of work that must reach the next
 * question, or the end, within the limit. The clock stops while a question waits for the human (that wait has
 * its own limit, the `waitForInput` timeout) and starts again, with the whole budget, when the answer arrives.
 */
export class RunDeadline {
  private readonly controller = new AbortController();
  /** Aborted, with an AgentError `run.timeout` as its reason, once a stretch of work runs out of time. */
  readonly signal = this.controller.signal;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  /** Starts the clock with the whole budget. */
  start(): void {
    this.stop();
    if (this.signal.aborted) return;
    this.timer = setTimeout(() => this.controller.abort(this.timeout()), this.timeoutMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Waits for the human off the clock. */
  async offTheClock<T>(wait: Promise<T>): Promise<T> {
    this.stop();
    try {
      return await wait;
    } finally {
      this.start();
    }
  }

  /** `work`, unless the deadline passes first: an agent stuck in its own code (not a model call) is not waited for. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const expire = () => reject(this.signal.reason as Error);
      if (this.signal.aborted) return expire();
      this.signal.addEventListener('abort', expire, { once: true });
      work.then(resolve, reject).finally(() => this.signal.removeEventListener('abort', expire));
    });
  }

  private timeout(): AgentError {
    return new AgentError(AgentErrorCode.RunTimeout, `The interactive agent worked longer than ${this.timeoutMs} ms without waiting for input (RUN_TIMEOUT_MS)`);
  }
}
