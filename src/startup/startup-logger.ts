import type { LoggerService } from '@nestjs/common';

/**
 * Nest's logger while the server starts: a failure there is reported once, as one line naming the setting to
 * change (see startupHint), so Nest's own error lines lose their stacks unless debug logging is on.
 */
export class StartupLogger implements LoggerService {
  constructor(
    private readonly inner: LoggerService,
    private readonly stacks: boolean,
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.inner.log(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.inner.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.inner.debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.inner.verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.inner.fatal?.(message, ...rest);
  }

  // Nest passes (message, stack?, context?): the stack is dropped, the context kept.
  error(message: unknown, ...rest: unknown[]): void {
    if (this.stacks) {
      this.inner.error(message, ...rest);
      return;
    }
    const last = rest.at(-1);
    // A stack spans lines; a context is one word.
    const context = typeof last === 'string' && !last.includes('\n') ? [last] : [];
    this.inner.error(message instanceof Error ? message.message : message, ...context);
  }
}
