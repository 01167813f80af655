import { CodedError } from '../common/coded-error';

export enum ServerErrorCode {
  Draining = 'server.draining',
}

/** The server itself turns a caller away (it is shutting down), whoever the caller is and whatever it asked. */
export class ServerError extends CodedError<ServerErrorCode> {}
