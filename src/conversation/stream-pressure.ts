import { Injectable } from '@nestjs/common';

/**
 * Where the sockets of one chat on this instance hold its run back. The run checks `paused` once per event
 * (a field read, no promise per token) and, while a socket is behind, waits before it pulls the next delta
 * from the model: its HTTP body is then not read, and TCP holds the provider back.
 */
export class StreamGate {
  /** Set while some socket holds the run; resolves when the last one lets go. */
  paused: Promise<void> | null = null;
  // Made when a socket first holds the run: an idle chat's gate (one per chat with a socket) keeps neither.
  private resume: (() => void) | null = null;
  private holders: Set<object> | null = null;
  /** Sockets and runs using the gate: it is forgotten when none is left. */
  users = 0;

  constructor(readonly chatId: string) {}

  hold(holder: object): void {
    (this.holders ??= new Set()).add(holder);
    this.paused ??= new Promise((resolve) => (this.resume = resolve));
  }

  /** Resolves once no socket holds the run, or when `signal` stops it (a cancel must not wait for a slow client). */
  resumed(signal: AbortSignal): Promise<void> {
    const paused = this.paused;
    if (!paused || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void paused.then(done);
    });
  }

  release(holder: object): void {
    if (!this.holders?.delete(holder) || this.holders.size > 0) return;
    this.paused = null;
    this.resume?.();
    this.resume = null;
  }
}

/**
 * The gates of the chats this instance has sockets or runs for. Only sockets on the instance running a chat
 * can pause it: a socket on another instance (reached through the bus) has no say, and is only closed when it
 * falls too far behind (see SlowClientGuard).
 */
@Injectable()
export class StreamPressure {
  private readonly gates = new Map<string, StreamGate>();

  acquire(chatId: string): StreamGate {
    let gate = this.gates.get(chatId);
    if (!gate) this.gates.set(chatId, (gate = new StreamGate(chatId)));
    gate.users += 1;
    return gate;
  }

  release(gate: StreamGate): void {
    gate.users -= 1;
    if (gate.users === 0 && this.gates.get(gate.chatId) === gate) this.gates.delete(gate.chatId);
  }
}
