import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../history/chat-log';
import { LogFollower, type LogSource } from './log-follower';

const event = (seq: number): LogEvent => ({ type: 'user.message', payload: { messageId: `m${seq}`, content: '' }, chatId: 'c', seq, runId: null, createdAt: new Date(0) });

/** A follower from the newest seq, with the live events that arrived before the newest was known, and what it read. */
function follower(stored: number[]) {
  const reads: number[] = [];
  const source: LogSource = {
    readAfter: (_chatId, after) => {
      reads.push(after);
      return Promise.resolve(stored.filter((seq) => seq > after).map(event));
    },
  };
  const delivered: number[] = [];
  return { follower: new LogFollower('c', 0, source, { event: (e) => delivered.push(e.seq) }), reads, delivered };
}

describe('LogFollower from the newest seq', () => {
  it('delivers the live events held back after the start, in order, without reading the log', async () => {
    const { follower: f, reads, delivered } = follower([]);
    for (const seq of [6, 5, 7, 4]) f.live(event(seq));
    await f.startAt(4);
    f.live(event(8));
    expect([delivered, reads]).toEqual([[5, 6, 7, 8], []]);
  });

  it('reads the log once when the held events skip a seq (a lost pub/sub message)', async () => {
    const { follower: f, reads, delivered } = follower([5, 6, 7]);
    f.live(event(7));
    await f.startAt(4);
    expect([delivered, reads]).toEqual([[5, 6, 7], [4]]);
  });
});
