import { CodedError } from './coded-error';

export enum RequestErrorCode {
  TooDeep = 'request.too_deep',
}

/** A request refused for its shape before any route sees it (transport limits, not a route's own schema). */
export class RequestError extends CodedError<RequestErrorCode> {}
