import WebSocket from 'ws';
import { assertRefused, checkFrame, frameProblems } from './frame-contract';

export type PlatformFrame = Record<string, unknown>;

export interface PlatformTurn {
  frames: PlatformFrame[];
  code: number;
  /** How long the server took to close after the object was sent. */
  ms: number;
}

/**
 * Behaves exactly as the interact platform's own client: it sends ONE object on open, collects every frame, and
 * takes the server closing the socket as the end of the turn. Its own timeout rejects, as the real client's would
 * end the call empty-handed. The object and every frame are checked against docs/asyncapi.yaml (the real client
 * would take a frame that is not JSON as chunk text; our server never sends one, so here it is a violation).
 */
export function platformTurn(url: string, token: string, object: object, timeoutMs = 10000): Promise<PlatformTurn> {
  const problems = frameProblems('interact', 'receive', object);
  return problems === null ? turn(url, token, object, timeoutMs) : Promise.reject(new Error(problems));
}

/** A turn whose object the test sends to see it refused: the contract must refuse it as well. */
export function malformedPlatformTurn(url: string, token: string, object: object, timeoutMs = 10000): Promise<PlatformTurn> {
  assertRefused('interact', 'receive', object);
  return turn(url, token, object, timeoutMs);
}

function turn(url: string, token: string, object: object, timeoutMs: number): Promise<PlatformTurn> {
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  const frames: PlatformFrame[] = [];
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.close(1000);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the server did not close the socket within ${timeoutMs} ms`)), timeoutMs);
    socket.on('open', () => {
      sentAt = Date.now();
      socket.send(JSON.stringify(object));
    });
    socket.on('message', (data: Buffer) => {
      try {
        const frame = JSON.parse(data.toString('utf8')) as PlatformFrame;
        checkFrame('interact', 'send', frame);
        frames.push(frame);
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve({ frames, code, ms: Date.now() - sentAt });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export const textOf = (frames: PlatformFrame[]): string =>
  frames.filter((frame) => frame.type === 'chunk').map((frame) => frame.chunk).join('');
