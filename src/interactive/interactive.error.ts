import { CodedError } from '../common/coded-error';

export enum InteractiveErrorCode {
  RouteNotFound = 'interactive.route_not_found',
  MissingMessage = 'interactive.missing_message',
  InvalidSessionId = 'interactive.invalid_session_id',
}

/** Refusals of an interactive connection, answered before the upgrade. */
export class InteractiveError extends CodedError<InteractiveErrorCode> {}

export enum SessionErrorCode {
  /** Unknown, or another user's: the two are not told apart. */
  NotFound = 'session.not_found',
  NotWaiting = 'session.not_waiting',
  /** The session was asleep, and its code (changed by a deploy) now asks another question: the answer was not used. */
  QuestionChanged = 'session.question_changed',
  UnknownStatus = 'session.unknown_status',
}

/** Refusals of the sessions REST API (`/sessions`). */
export class SessionError extends CodedError<SessionErrorCode> {}
