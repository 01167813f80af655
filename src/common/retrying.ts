const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;

/**
 * Runs `work` until it succeeds, waiting longer after each failure (up to 2 s), for work that a client
 * keeps waiting on through an outage (Redis or the database gone for a while) rather than be refused:
 * once the dependency is back the work goes through by itself. `failed` hears of the first failure only.
 * Rejects with the signal's reason once it aborts (the client went away).
 */
export async function retrying<T>(work: () => Promise<T>, signal: AbortSignal, failed?: (error: unknown) => void): Promise<T> {
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    signal.throwIfAborted();
    try {
      return await work();
    } catch (error) {
      signal.throwIfAborted();
      if (delay === FIRST_DELAY_MS) failed?.(error);
      await pause(delay, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
