import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpError } from '../common/http-error';

/** Answers a refused upgrade with a plain HTTP response carrying the usual JSON error body; no 101 is sent. */
export function rejectUpgrade(socket: Duplex, { status, headers, body }: HttpError, requestId: string): void {
  const json = JSON.stringify({ ...body, requestId });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (socket.writable) socket.end(`${lines.join('\r\n')}\r\n\r\n${json}`);
  socket.destroy();
}
