import { TurnFrames } from './frame-stream';
import type { InteractServerFrame } from './generated/frames';

type Frame<T extends InteractServerFrame['type']> = Extract<InteractServerFrame, { type: T }>;
export type TurnStatus = Frame<'turn_end'>['status'];

/** One prompt's events, from `sync_chat_history` (first turn on a connection) to `turn_end`. */
export interface InteractTurn extends AsyncIterable<InteractServerFrame> {
  /** The `actionMetadata.mid` the prompt was sent with. */
  readonly mid: string;
  /** Resolves with every event of the turn once it ended. */
  readonly done: Promise<InteractServerFrame[]>;
  /** The answer: the turn's chunks joined. */
  text(): Promise<string>;
  /** `turn_end`'s status; null when the turn ended without one (refused: see `error`). */
  status(): Promise<TurnStatus | null>;
  error(): Promise<{ code: string; message: string } | null>;
}

export function interactTurn(mid: string, frames: TurnFrames<InteractServerFrame>): InteractTurn {
  const all = <T extends InteractServerFrame['type']>(type: T) =>
    frames.done.then((list) => list.filter((frame): frame is Frame<T> => frame.type === type));
  return {
    mid,
    done: frames.done,
    text: () => all('chunk').then((chunks) => chunks.map((frame) => frame.chunk).join('')),
    status: () => all('turn_end').then((ends) => ends.at(-1)?.status ?? null),
    error: () => all('error').then((errors) => errors.at(-1)?.error ?? null),
    [Symbol.asyncIterator]: () => frames[Symbol.asyncIterator](),
  };
}

/**
 * A keep_open connection's events carry no prompt id, so they go to the oldest turn still open. An `error`
 * whose seq is not new is a refusal of the prompt (outside the log, no `turn_end` follows) and ends it; a run's
 * failure is logged, with a new seq, and its `turn_end` follows.
 */
export class TurnQueue {
  private readonly open: Array<TurnFrames<InteractServerFrame>> = [];
  private highest = 0;

  add(turn: TurnFrames<InteractServerFrame>): void {
    this.open.push(turn);
  }

  route(frame: InteractServerFrame): void {
    const fresh = frame.seq > this.highest;
    this.highest = Math.max(this.highest, frame.seq);
    const turn = this.open[0];
    if (!turn) return;
    turn.push(frame);
    if (frame.type === 'turn_end' || (frame.type === 'error' && !fresh)) this.open.shift()?.end();
  }

  endAll(error: Error): void {
    for (const turn of this.open.splice(0)) turn.end(error);
  }
}
