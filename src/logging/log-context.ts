import { AsyncLocalStorage } from 'node:async_hooks';
import type { Bindings, Logger } from 'pino';

/**
 * The fields (`requestId`) of the request or socket whose code is running, so that logs written through Nest's
 * `Logger` (services, filters, Terminus) carry them without every class being handed a per-request logger.
 * nestjs-pino does this too, but its releases either need Node 22.12 or do not support Nest 12; the part we
 * need is this AsyncLocalStorage and the middleware in request-logger.ts.
 */
const scope = new AsyncLocalStorage<Bindings>();

export function runInLogScope<T>(bindings: Bindings, work: () => T): T {
  return scope.run(bindings, work);
}

/** `logger` with the current request's or socket's fields, or `logger` itself outside of one. */
export function scopedLogger(logger: Logger): Logger {
  const bindings = scope.getStore();
  return bindings ? logger.child(bindings) : logger;
}
