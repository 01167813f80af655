import { describe, expect, it } from 'vitest';
import { untilEnd, type Frame } from './support/chat-client';
import { useScriptedModel } from './support/scripted-model';
import { signToken } from './support/tokens';
import { TestSocket } from './support/ws-client';

const HIGH_WATER = 65536;
const GRACE_MS = 2500;
const MAX_DELTA_CHARS = 8192;
const auth = () => ({ headers: { Authorization: `Bearer ${signToken('alice')}` } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const deltasOf = (frames: Frame[]) => frames.filter((frame) => frame.type === 'agent_step_delta').map((frame) => frame.delta as string).join('');

/** Every frame read until the server closes the socket, and the close. */
async function drain(socket: TestSocket): Promise<{ frames: Frame[]; close: { code: number; reason: string } }> {
  const frames: Frame[] = [];
  const closing = socket.closed.then(() => null);
  for (;;) {
    const frame = await Promise.race([socket.next<Frame>(10000), closing]);
    if (frame === null) break;
    frames.push(frame);
  }
  // What arrived just before the close frame.
  for (;;) {
    const frame = await socket.next<Frame>(1).catch(() => null);
    if (frame === null) break;
    frames.push(frame);
  }
  return { frames, close: await socket.closed };
}

describe('backpressure: a client that reads slowly holds the run back, then is closed 1013', () => {
  const env = { WS_SEND_HIGH_WATER_BYTES: String(HIGH_WATER), WS_SLOW_CLIENT_GRACE_MS: String(GRACE_MS), RUN_MAX_OUTPUT_CHARS: '100000000', RUN_TIMEOUT_MS: '60000' };
  const { app, model } = useScriptedModel({ env });
  const open = (chatId: string, query = 'stream=1') => TestSocket.open(`${app().wsUrl}/chat/${chatId}?${query}`, auth());

  it('a paused client: the provider is not drained, memory stays bounded, and the client gets 1013 after the grace', async () => {
    // 200 MB on offer, made only as fast as the gateway reads it.
    const sent = { chunks: 0 };
    model.enqueue({ kind: 'flood', chunk: 'x'.repeat(4000), count: 50000, sent });
    const slow = await open('bp-paused');
    const other = await open('bp-paused', 'stream=0');
    slow.send({ type: 'client', message: 'flood me', message_id: 'm1' });
    expect(await slow.next()).toMatchObject({ type: 'agent_step_delta' });
    slow.socket.pause();
    const pausedAt = Date.now();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    // Once the buffers on the way are full (a few MB in the kernel, WS_SEND_HIGH_WATER_BYTES here), nothing more is read.
    const chunksFilled = await stalled(sent, Date.now() + GRACE_MS - 300);
    await sleep(200);
    const chunksAtGrace = sent.chunks;
    await sleep(pausedAt + GRACE_MS + 500 - Date.now());
    clearInterval(sampler);
    const grownMb = (peak - before) / 2 ** 20;
    console.info(`paused client: RSS grew ${grownMb.toFixed(1)} MB; provider read ${sentMb(chunksFilled)} MB, then ${sentMb(chunksAtGrace)} MB by the grace's end`);
    // The paused socket was dropped: the run goes on for the others (cancelled here, so the test stays short).
    other.send({ type: 'cancel', message_id: 'm1' });
    const ended = await untilEnd(other, 'm1');
    expect(ended.find((frame) => frame.type === 'agent_error')).toMatchObject({ error: 'cancelled' });
    slow.socket.resume();
    const { close } = await drain(slow);
    expect(close).toEqual({ code: 1013, reason: 'client too slow' });
    expect(grownMb).toBeLessThan(100);
    // Without backpressure the gateway reads the 200 MB as fast as it can, paused client or not.
    // Held back (the kernel may still take a little more as its buffers grow).
    expect((chunksAtGrace - chunksFilled) * 4000).toBeLessThan(2 * 2 ** 20);
    expect(chunksAtGrace * 4000).toBeLessThan(40 * 2 ** 20);
    other.close();
  });

  it('the run completes into the log: a reconnect with after gets the whole answer, in frames of bounded size', async () => {
    // Chunks of 50 000 characters, each larger than one delta may be: 24 MB in all, more than the sockets' kernel buffers.
    const chunk = 'y'.repeat(50000);
    const count = 480;
    model.enqueue({ kind: 'flood', chunk, count });
    const slow = await open('bp-complete');
    let largestDelta = 0;
    const measure = (socket: TestSocket) =>
      socket.socket.on('message', (data: Buffer) => {
        if (data.includes('"agent_step_delta"')) largestDelta = Math.max(largestDelta, data.length);
      });
    measure(slow);
    slow.send({ type: 'client', message: 'flood me', message_id: 'm1' });
    const firstDelta = await slow.next();
    expect(firstDelta).toMatchObject({ type: 'agent_step_delta' });
    slow.socket.pause();
    await sleep(GRACE_MS + 500);
    slow.socket.resume();
    const first = await drain(slow);
    expect(first.close.code).toBe(1013);
    const received = deltasOf([firstDelta, ...first.frames]);
    expect(received.length).toBeLessThan(chunk.length * count);

    const again = await open('bp-complete', `stream=1&after=${slow.lastSeq}`);
    measure(again);
    const rest = await untilEnd(again, 'm1');
    expect(received + deltasOf(rest)).toHaveLength(chunk.length * count);
    const answer = rest.find((frame) => frame.type === 'agent_step');
    expect(answer).toMatchObject({ step_type: 'FinalAnswerStep' });
    expect((answer!.message as string).length).toBe(chunk.length * count);
    expect(largestDelta).toBeLessThan(MAX_DELTA_CHARS + 200);
    again.close();
  });
});

/** The chunk count once it stopped growing for 400 ms (or at `deadline`). */
async function stalled(sent: { chunks: number }, deadline: number): Promise<number> {
  let last = sent.chunks;
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    if (sent.chunks !== last) [last, since] = [sent.chunks, Date.now()];
    else if (Date.now() - since >= 400) break;
  }
  return last;
}

function sentMb(chunks: number): string {
  return ((chunks * 4000) / 2 ** 20).toFixed(1);
}
