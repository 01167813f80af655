import type { CloseInfo, ConnectionEvents, ConnectionState, ResumableSocket } from './resumable-socket';

/** What every protocol's connection exposes of its resumable socket: state, position, close, events, frames. */
export abstract class SocketConnection<S extends { seq: number }, C> implements AsyncIterable<S> {
  protected abstract readonly socket: ResumableSocket<S, C>;

  get state(): ConnectionState {
    return this.socket.state;
  }
  get lastSeq(): number | null {
    return this.socket.lastSeq;
  }
  get closed(): Promise<CloseInfo> {
    return this.socket.closed;
  }
  on<K extends keyof ConnectionEvents<S>>(event: K, listener: (value: ConnectionEvents<S>[K]) => void): () => void {
    return this.socket.on(event, listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<S> {
    return this.socket.frames()[Symbol.asyncIterator]();
  }
}
