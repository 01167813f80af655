import { CodedError } from '../common/coded-error';

export enum ApprovalErrorCode {
  /** No call waits for this approval in the chat (never asked, another user's, or its run ended). */
  Unknown = 'approval.unknown',
  AlreadyDecided = 'approval.already_decided',
  /** `GET /approvals?status=` names a status this API does not list. */
  UnknownStatus = 'approval.unknown_status',
}

/** Refusals of a decision on a tool call waiting for approval. */
export class ApprovalError extends CodedError<ApprovalErrorCode> {}
