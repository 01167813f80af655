/**
 * Splits a server-sent event stream into each event's `data` as bytes arrive: the only work between the socket
 * and JSON.parse. Other fields (event, id, retry) and comments are skipped; Chat Completions uses none.
 */
export class EventStreamDecoder {
  private readonly utf8 = new TextDecoder();
  private buffered = '';
  /** The data lines of the event being read, joined by newlines as the format says. */
  private data: string | undefined;

  /** The data of every event these bytes complete. */
  decode(bytes: Uint8Array): string[] {
    return this.lines(this.utf8.decode(bytes, { stream: true }));
  }

  /** The data of an event the stream ended in without its closing blank line. */
  end(): string[] {
    return this.lines(`${this.utf8.decode()}\n\n`);
  }

  private lines(text: string): string[] {
    const events: string[] = [];
    const buffered = this.buffered + text;
    let start = 0;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n', start)) {
      const line = buffered.slice(start, buffered.charCodeAt(end - 1) === 13 ? end - 1 : end);
      start = end + 1;
      if (line === '') {
        if (this.data !== undefined) events.push(this.data);
        this.data = undefined;
      } else if (line.startsWith('data:')) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
        this.data = this.data === undefined ? value : `${this.data}\n${value}`;
      }
    }
    this.buffered = buffered.slice(start);
    return events;
  }
}
