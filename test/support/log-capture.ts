import { Writable } from 'node:stream';
import { expect } from 'vitest';

export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A pino destination that keeps the app's JSON lines, for specs that assert on the log. */
export class LogCapture {
  readonly lines: LogLine[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) this.lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });

  /** The first line matching, waiting for it: some lines (a socket's close) are written after the client saw the event. */
  async find(matches: (line: LogLine) => boolean): Promise<LogLine> {
    await expect.poll(() => this.lines.some(matches), { timeout: 5000 }).toBe(true);
    return this.lines.find(matches)!;
  }
}
