/**
 * The frames the relays send, in the gateway's own shapes and key order (checked against frames captured
 * from the gateway: src/chat/chat.protocol.ts and src/interact/interact.protocol.ts), so a relay serialises
 * and sends the same bytes per token as the gateway does.
 */
export interface RelayProtocol {
  /** The reply's prompt, from the client's frame. */
  prompt(frame: Record<string, unknown>): string;
  token(text: string): string;
  end(): string;
}

export function chatProtocol(chatId: string): RelayProtocol {
  let seq = 0;
  let messageId = '';
  return {
    prompt(frame) {
      messageId = String(frame.message_id);
      return String(frame.message);
    },
    token: (delta) => JSON.stringify({ type: 'agent_step_delta', delta, message_id: messageId, chat_id: chatId, seq: ++seq }),
    end: () => JSON.stringify({ type: 'message_end', message_id: messageId, chat_id: chatId, seq: ++seq }),
  };
}

export function interactProtocol(): RelayProtocol {
  let seq = 0;
  let chunkIndex = 0;
  let convoId = '';
  return {
    prompt(frame) {
      convoId = String(frame.convoId);
      chunkIndex = 0;
      return String(frame.prompt);
    },
    token: (chunk) => JSON.stringify({ type: 'chunk', chunk, chunkIndex: chunkIndex++, ui_engine: false, convoId, seq: ++seq }),
    end: () => JSON.stringify({ type: 'turn_end', status: 'complete', role: 'assistant', convoId, seq: ++seq }),
  };
}
