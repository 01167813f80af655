import type { NextFunction, Request, Response } from 'express';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { RequestError, RequestErrorCode } from './request.error';

/**
 * Refuses a parsed body nested deeper than MAX_JSON_DEPTH, after the body parser (which copes) and before
 * ValidationPipe's class-transformer (which recurses per level and overflows the stack).
 */
export function refuseDeepBodies(req: Request, _res: Response, next: NextFunction): void {
  if (nestedDeeperThan(req.body, MAX_JSON_DEPTH)) {
    next(new RequestError(RequestErrorCode.TooDeep, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
}
