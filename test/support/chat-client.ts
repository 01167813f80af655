import type { TestSocket } from './ws-client';

export type Frame = Record<string, unknown>;

/** Reads frames until the message_end of `messageId`, returning everything received on the way. */
export async function untilEnd(socket: TestSocket, messageId: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (;;) {
    const frame = await socket.next<Frame>();
    frames.push(frame);
    if (frame.type === 'message_end' && frame.message_id === messageId) return frames;
  }
}

