import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { runInLogScope } from './log-context';
import { redactUrl } from './logger';

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[\w.-]{1,128}$/;

/** A caller's request id is kept when it is safe to echo; otherwise a new one is minted. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

export type RequestLogger = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/** One line per request, and the request id on every line logged while serving it (log-context.ts). */
export function createRequestLogger(logger: Logger): RequestLogger {
  const httpLogger = pinoHttp({
    logger,
    // `requestId` at the top level of every line, the same field the WebSocket lines use.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: unknown; remoteAddress: unknown }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  return (req, res, next) => httpLogger(req, res, () => runInLogScope({ requestId: req.id }, next));
}
