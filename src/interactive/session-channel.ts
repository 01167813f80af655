import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';

export interface SessionSocket {
  send(payload: unknown): void;
  /** Closes the connection once the execution is over. */
  end(): void;
}

/** The execution stopped without an outcome (server shutdown): its journal stays open for a resume. */
export class ExecutionSuspended extends Error {
  constructor() {
    super('The execution was suspended');
    this.name = 'ExecutionSuspended';
  }
}

interface PendingInput {
  payload: unknown;
  resolve(input: ChatInput): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Between an execution and whichever socket currently holds its session: frames sent while no socket is
 * attached wait in an outbox, and the question an action waits on is asked again to every new socket.
 */
export class SessionChannel {
  private socket: SessionSocket | null = null;
  private readonly outbox: unknown[] = [];
  private pending: PendingInput | null = null;

  get waiting(): boolean {
    return this.pending !== null;
  }

  attach(socket: SessionSocket): void {
    this.socket = socket;
    for (const payload of this.outbox.splice(0)) socket.send(payload);
    if (this.pending) socket.send(this.pending.payload);
  }

  detach(socket: SessionSocket): void {
    if (this.socket === socket) this.socket = null;
  }

  /** The execution is over: the attached socket, if any, is closed. */
  end(): void {
    this.socket?.end();
    this.socket = null;
  }

  send(payload: unknown): void {
    if (this.socket) this.socket.send(payload);
    else this.outbox.push(payload);
  }

  /** Shows `payload` (now, or to the next socket) and resolves with the client's next chat input. */
  ask(payload: unknown, timeoutMs: number): Promise<ChatInput> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new InputTimeoutError(timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.pending = { payload, resolve, reject, timer };
      this.socket?.send(payload);
    });
  }

  /** A chat input from the client; false when nothing is waiting for one. */
  deliver(input: ChatInput): boolean {
    const pending = this.pending;
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(input);
    return true;
  }

  suspend(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new ExecutionSuspended());
    }
  }
}
