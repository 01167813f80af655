import { CodedError } from '../common/coded-error';

export enum ChatErrorCode {
  InvalidChatId = 'chat.invalid_id',
  NotFound = 'chat.not_found',
  Forbidden = 'chat.forbidden',
  InvalidMessage = 'chat.invalid_message',
  InvalidAfter = 'chat.invalid_after',
  Busy = 'chat.busy',
  UnknownMessage = 'chat.unknown_message',
  StorageFailed = 'chat.storage_failed',
  /** The instance running the message stopped (crashed, killed) before the run ended. */
  Interrupted = 'run.interrupted',
  NotHandedOff = 'chat.not_handed_off',
}

/** Chat-level refusals: a bad or foreign chat id, a bad frame, a busy chat. */
export class ChatError extends CodedError<ChatErrorCode> {}

/** Chat ids travel in URLs and logs: a conservative charset, at most 128 characters. */
export const CHAT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export function assertChatId(chatId: string): void {
  if (!CHAT_ID_PATTERN.test(chatId)) {
    throw new ChatError(ChatErrorCode.InvalidChatId, 'chat_id must be 1–128 characters of letters, digits, _ . : or -');
  }
}
