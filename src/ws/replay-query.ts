import { ChatError, ChatErrorCode } from '../chat/chat.error';

/**
 * `?after=<seq>` on an upgrade: the client saw everything up to that seq and wants the rest, then the
 * live frames. Absent: only what happens from now on. Checked before the 101 so a bad value is a 400.
 */
export function replayAfter(query: URLSearchParams): number | null {
  const raw = query.get('after');
  if (raw === null) return null;
  if (!/^\d{1,15}$/.test(raw)) throw new ChatError(ChatErrorCode.InvalidAfter, 'after must be a seq: a whole number of at least 0');
  return Number(raw);
}
