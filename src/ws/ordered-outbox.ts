/**
 * Keeps a socket's outgoing work in order when some of it must read first (a history page, a turn's
 * conversation): work runs at once while nothing waits (the per-token path costs no promise), and after
 * what waits otherwise.
 */
export class OrderedOutbox {
  private waiting: Promise<void> | null = null;

  constructor(private readonly failed: (error: unknown) => void) {}

  run(work: () => void | Promise<void>): void {
    if (this.waiting) {
      this.hold(this.waiting.then(work));
      return;
    }
    try {
      const pending = work();
      if (pending) this.hold(pending);
    } catch (error) {
      this.failed(error);
    }
  }

  private hold(work: Promise<void>): void {
    const next = work.catch(this.failed);
    this.waiting = next;
    void next.then(() => {
      if (this.waiting === next) this.waiting = null;
    });
  }
}
