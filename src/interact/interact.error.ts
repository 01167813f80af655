import { CodedError } from '../common/coded-error';

export enum InteractErrorCode {
  InvalidObject = 'interact.invalid_object',
  UnknownBucket = 'interact.unknown_bucket',
  IdentityMismatch = 'interact.identity_mismatch',
}

/** A refused interactObject; sent to the client as an `error` event, nothing stored. */
export class InteractError extends CodedError<InteractErrorCode> {}
