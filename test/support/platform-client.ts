import WebSocket from 'ws';

export type PlatformFrame = Record<string, unknown>;

export interface PlatformTurn {
  frames: PlatformFrame[];
  code: number;
  /** How long the server took to close after the object was sent. */
  ms: number;
}

/**
 * Behaves exactly as the interact platform's own client: it sends ONE object on open, collects every frame
 * (a frame that is not JSON counts as chunk text), and takes the server closing the socket as the end of the
 * turn. Its own timeout rejects, as the real client's would end the call empty-handed.
 */
export function platformTurn(url: string, token: string, object: object, timeoutMs = 10000): Promise<PlatformTurn> {
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  const frames: PlatformFrame[] = [];
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close(1000);
      reject(new Error(`the server did not close the socket within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('open', () => {
      sentAt = Date.now();
      socket.send(JSON.stringify(object));
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      try {
        frames.push(JSON.parse(text) as PlatformFrame);
      } catch {
        frames.push({ type: 'chunk', chunk: text });
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
