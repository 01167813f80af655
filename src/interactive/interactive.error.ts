import { CodedError } from '../common/coded-error';

export enum InteractiveErrorCode {
  RouteNotFound = 'interactive.route_not_found',
  MissingMessage = 'interactive.missing_message',
  InvalidSessionId = 'interactive.invalid_session_id',
}

/** Refusals of an interactive connection, answered before the upgrade. */
export class InteractiveError extends CodedError<InteractiveErrorCode> {}
