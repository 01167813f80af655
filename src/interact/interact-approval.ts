import { CHAT_ID_PATTERN } from '../chat/chat.error';
import { MAX_REASON_CHARS } from '../chat/chat.protocol';

/**
 * Ours beside the interactObject: the decision on a tool call waiting for approval (the `approval_request` action),
 * `{"convoId": …, "approval": {"id": …, "approved": true|false, "reason": …}}`. A rejection needs a reason: the
 * model reads it in place of the call's result.
 */
export interface InteractApproval {
  convoId: string;
  id: string;
  approved: boolean;
  reason: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Null when the frame carries no `approval` (an interactObject); the problem in words, or the typed decision. */
export function parseInteractApproval(body: Record<string, unknown>): InteractApproval | string | null {
  if (body.approval === undefined) return null;
  const convoId = body.convoId;
  if (typeof convoId !== 'string' || !CHAT_ID_PATTERN.test(convoId)) return 'convoId must be 1–128 characters of letters, digits, _ . : or -';
  const approval = body.approval;
  if (!isObject(approval)) return 'approval must be an object';
  const { id, approved, reason } = approval;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 128) return 'approval.id must be a non-empty string of at most 128 characters';
  if (typeof approved !== 'boolean') return 'approval.approved must be true or false';
  if (reason === undefined && approved) return { convoId, id, approved, reason: 'approved' };
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_CHARS) {
    return `approval.reason must be a non-empty string of at most ${MAX_REASON_CHARS} characters${approved ? '' : ' (a rejection says why)'}`;
  }
  return { convoId, id, approved, reason };
}
