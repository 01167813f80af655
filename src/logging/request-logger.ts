import { randomFillSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import type { Logger } from 'pino';
import { redactUrl } from './logger';

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[\w.-]{1,128}$/;

/** A caller's request id is kept when it is safe to echo; otherwise a new one is minted. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : newRequestId();
}

/** Random bytes drawn ahead, 16 per id: one system call per 256 ids. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
const HEX = '0123456789abcdef';
const text = Buffer.alloc(36);

/**
 * A random (version 4) UUID, written into a buffer and read out as one flat 36-character string. `randomUUID`
 * builds its string by concatenation: a rope of a dozen pieces (about 450 bytes) that a socket keeps for its
 * lifetime in its log fields, and the concatenations were a noticeable part of an upgrade.
 */
function newRequestId(): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let byte = pool[poolAt + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d;
    text[at++] = HEX.charCodeAt(byte >> 4);
    text[at++] = HEX.charCodeAt(byte & 0x0f);
  }
  poolAt += 16;
  return text.toString('latin1');
}

export type RequestLogger = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

interface LoggedRequest extends IncomingMessage {
  id?: string;
}

/**
 * One line per request (method, url, status, time and request id; the headers too at debug). Hand-written rather than
 * pino-http, whose every line serialized the full request and response headers and cost about a seventh of a small
 * request's time. The lines that belong to a request name its id themselves (this one, an unexpected error's in
 * HttpErrorFilter and WsErrorFilter, a socket's open and close): an AsyncLocalStorage carrying it to every line
 * turns Node 20's promise hooks on for every `await` of the process (+18% CPU on `POST /agent/run`, BENCHMARKS.md).
 */
export function createRequestLogger(logger: Logger): RequestLogger {
  return (req: LoggedRequest, res, next) => {
    const requestId = requestIdOf(req);
    req.id = requestId;
    res.setHeader('X-Request-Id', requestId);
    const startedAt = Date.now();
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      logRequest(logger, req, res, requestId, Date.now() - startedAt);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

function logRequest(logger: Logger, req: LoggedRequest, res: ServerResponse, requestId: string, responseTime: number): void {
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    requestId,
    req: { method: req.method, url: redactUrl(req.url) },
    res: { statusCode: status },
    responseTime,
  };
  if (logger.isLevelEnabled('debug')) {
    line.req = { method: req.method, url: redactUrl(req.url), headers: req.headers, remoteAddress: req.socket?.remoteAddress };
    line.res = { statusCode: status, headers: res.getHeaders() };
  }
  logger[level](line, status >= 500 ? 'request errored' : !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
}
