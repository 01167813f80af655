import { CodedError } from '../common/coded-error';

export enum EventLogErrorCode {
  /** The writer's lease was taken over or expired, or storage refused it: it must stop. */
  WriterLost = 'log.writer_lost',
  /** No writer could be reached or opened in time. */
  Unavailable = 'log.unavailable',
}

export class EventLogError extends CodedError<EventLogErrorCode> {}
