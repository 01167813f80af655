/**
 * An async iterable fed by pushes: each subscriber of a connection gets one, so a slow reader buffers
 * only what it has not read yet, and frames that arrived before it subscribed are not its.
 */
export class FrameStream<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private ended = false;
  private failure: unknown = null;

  constructor(private readonly onReturn: () => void = () => undefined) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiter) {
      this.waiter.resolve({ value, done: false });
      this.waiter = null;
    } else this.buffer.push(value);
  }

  /** Ends the stream after what is buffered; with an error, the reader's loop throws it then. */
  end(error: unknown = null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    if (this.waiter) this.settle(this.waiter);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const value = this.buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          if (this.ended) this.settle({ resolve, reject });
          else this.waiter = { resolve, reject };
        });
      },
      return: () => {
        // `break` out of a for-await: stop buffering for this reader.
        this.ended = true;
        this.buffer.length = 0;
        this.onReturn();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private settle(waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }): void {
    this.waiter = null;
    if (this.failure) waiter.reject(this.failure);
    else waiter.resolve({ value: undefined, done: true });
  }
}

/**
 * One turn's frames, kept whole (a turn is small): any number of readers each iterate it from the start,
 * and `done` resolves with all of them once the turn has ended.
 */
export class TurnFrames<T> implements AsyncIterable<T> {
  readonly frames: T[] = [];
  private ended = false;
  private failure: Error | null = null;
  private wake: Array<() => void> = [];
  readonly done: Promise<T[]>;
  private finish!: (frames: T[]) => void;
  private fail!: (error: Error) => void;

  constructor() {
    this.done = new Promise<T[]>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    // A turn nobody awaits must not become an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(frame: T): void {
    if (this.ended) return;
    this.frames.push(frame);
    this.notify();
  }

  end(error: Error | null = null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    if (error) this.fail(error);
    else this.finish(this.frames);
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let index = 0; ; index++) {
      while (index >= this.frames.length && !this.ended) await new Promise<void>((resolve) => this.wake.push(resolve));
      if (index < this.frames.length) yield this.frames[index] as T;
      else if (this.failure) throw this.failure;
      else return;
    }
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}
