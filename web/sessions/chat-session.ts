import type { ChatServerFrame } from '../../client/src/index';
import { describeError } from '../dom';
import type { Session, SessionHost } from './session';

/** WS /chat/{chat_id} with `stream=1`: the history first, then every frame of the chat as it comes. */
export function openChat({ gateway, transcript, setState }: SessionHost, chatId: string): Session {
  const chat = gateway.chat(chatId, { stream: true });
  chat.on('state', setState);
  setState(chat.state);
  chat.on('frame', (frame) => render(frame));
  // Answered with the rows so far; the frames after it carry on from there, so nothing shows twice.
  chat.requestHistory();

  function render(frame: ChatServerFrame): void {
    switch (frame.type) {
      case 'chat_history':
        for (const row of frame.history) {
          if (row.role === 'user') transcript.user(row.content);
          else transcript.step(row.step_type, row.content);
        }
        return;
      case 'agent_step_delta':
        return transcript.delta(frame.message_id, frame.delta);
      case 'agent_step':
        transcript.dropStream(frame.message_id);
        return transcript.step(frame.step_type, frame.message);
      case 'approval_request':
        return transcript.approval(frame.approval_id, frame.tool, frame.args, (approved, reason) =>
          approved ? chat.approve(frame.approval_id) : chat.reject(frame.approval_id, reason),
        );
      case 'approval_result':
        return transcript.approvalResult(frame.approval_id, frame.approved, frame.reason);
      case 'message_end':
        return transcript.dropStream(frame.message_id);
      case 'agent_error':
        if (frame.message_id) transcript.dropStream(frame.message_id);
        return transcript.error(frame.error);
    }
  }

  return {
    async send(text) {
      transcript.user(text);
      try {
        await chat.ask(text).done;
      } catch (error) {
        transcript.error(describeError(error));
      }
    },
    cancel: () => chat.cancel(),
    close: () => chat.close(),
  };
}
