import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** A masked close frame with code 1000, as a browser or `ws` sends it (a client's frames are always masked). */
const MASK = randomBytes(4);
const CLOSE_FRAME = Buffer.from([0x88, 0x82, ...MASK, 0x03 ^ MASK[0]!, 0xe8 ^ MASK[1]!]);
const KEY = randomBytes(16).toString('base64');

/**
 * One WebSocket open and close over a plain TCP socket: the upgrade request (bearer token, a fixed key), the 101,
 * then the close handshake as a client does it (its close frame, the server's, then the TCP close). The server does
 * everything it does for a `ws` client; the client skips what a `ws` client adds (a `WebSocket` with its receiver and
 * sender, a key per socket and the check of the server's accept hash), which cost as much CPU per open as the server
 * itself: with `ws` clients the load generator's core, not the server's, set the rate.
 */
export function openAndClose(port: number, path: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let head = '';
    let open = false;
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (open) {
        // The server's close frame (opcode 8), as a `ws` client answers it. Missed (behind another frame in the
        // chunk), the server's own TCP close after the handshake ends the socket just the same.
        if ((chunk[0]! & 0x0f) === 0x08) socket.end();
        return;
      }
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`${path}: upgrade refused with ${head.slice(0, head.indexOf('\r\n'))}`));
        return;
      }
      open = true;
      socket.write(CLOSE_FRAME);
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}
