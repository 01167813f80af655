/**
 * Tracks `seq` to resume after a cut, and drops what a replay repeats. Not every frame with an old seq is
 * a duplicate: the frames of one logged event share its seq, and frames outside the log (refusals, history
 * replies) carry the position the socket had reached. So only logged frames are dropped, and only until
 * the reconnected socket has passed the resume point.
 */
export class SeqGate<S extends { seq: number }> {
  lastSeq: number | null = null;
  /** After a reconnect with `after`: logged frames at or below it are repeats. */
  private floor: number | null = null;

  /** A connection opened with `after`: the caller has seen everything up to it. */
  start(after: number): void {
    this.lastSeq = after;
  }

  /** The `after` of the next attempt (null: nothing seen yet, connect fresh); arms the duplicate filter. */
  resumeAfter(): number | null {
    this.floor = this.lastSeq;
    return this.lastSeq;
  }

  admit(frame: S, logged: boolean): boolean {
    if (typeof frame.seq !== 'number') return true;
    if (this.floor !== null) {
      if (frame.seq > this.floor) this.floor = null;
      else if (logged) return false;
    }
    if (this.lastSeq === null || frame.seq > this.lastSeq) this.lastSeq = frame.seq;
    return true;
  }
}
