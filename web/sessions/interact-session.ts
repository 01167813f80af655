import type { InteractServerFrame } from '../../client/src/index';
import { describeError } from '../dom';
import type { Session, SessionHost } from './session';

const STREAM = 'interact';

/**
 * WS /interact kept open (`keep_open=1`): every turn of the conversation, the operator's replies included. The
 * transcript so far comes from GET /conversations/{id}/messages, which the socket's sync would only send with a prompt.
 */
export function openInteract({ gateway, transcript, setState }: SessionHost, convoId: string, agentId: string, fresh: boolean): Session {
  const convo = gateway.interact({ convoId, agentId, bucket: '(default)' });
  convo.on('state', setState);
  setState(convo.state);
  let sourcesShown = false;
  const loaded = fresh ? Promise.resolve() : loadTranscript();
  void (async () => {
    await loaded;
    try {
      for await (const frame of convo) render(frame);
    } catch (error) {
      transcript.error(describeError(error));
    }
  })();

  async function loadTranscript(): Promise<void> {
    try {
      for (const message of await gateway.conversationMessages(convoId)) {
        if (message.role === 'user') transcript.user(message.content);
        else if (message.role === 'operator') transcript.answer(message.content, '🧑 Operator', 'operator');
        else transcript.answer(message.content);
      }
    } catch (error) {
      transcript.error(`The conversation could not be loaded: ${describeError(error)}`);
    }
  }

  function render(frame: InteractServerFrame): void {
    switch (frame.type) {
      case 'sync_chat_history':
      case 'debug':
        return;
      case 'chunk':
        return transcript.delta(STREAM, frame.chunk);
      case 'metadata':
        if ('sources' in frame.metadata && frame.metadata.sources && !sourcesShown) {
          sourcesShown = true;
          transcript.sources(frame.metadata.sources);
        }
        return;
      case 'action':
        if (frame.action.type === 'request_handoff') return transcript.banner('🙋 Handed off: a human operator will reply here.');
        // Decided here with the buttons, or anywhere else (POST /approvals/{id}, another socket): the result locks them.
        if (frame.action.type === 'approval_request') return transcript.approval(frame.action.approvalId, frame.action.tool, frame.action.args, decide(frame.action.approvalId));
        if (frame.action.type === 'approval_result') return transcript.approvalResult(frame.action.approvalId, frame.action.approved, frame.action.reason);
        return transcript.toolCall(frame.action.toolMetadata.toolName, frame.action.toolMetadata.input, frame.action.toolMetadata.output);
      case 'turn_end':
        sourcesShown = false;
        transcript.finishStream(STREAM, frame.role === 'operator' ? '🧑 Operator' : '✅ Answer', frame.role === 'operator' ? 'operator' : 'agent');
        if (frame.status === 'awaiting_operator') transcript.note('Passed on to the operator; the agent does not answer until they hand the conversation back.');
        if (frame.status === 'cancelled') transcript.note('Cancelled.');
        return;
      case 'error':
        transcript.dropStream(STREAM);
        return transcript.error(`${frame.error.message} (${frame.error.code})`);
    }
  }

  function decide(approvalId: string) {
    return (approved: boolean, reason: string) => (approved ? convo.approve(approvalId) : convo.reject(approvalId, reason));
  }

  return {
    async send(text) {
      transcript.user(text);
      await loaded;
      try {
        await convo.prompt(text).done;
      } catch (error) {
        transcript.error(describeError(error));
      }
    },
    cancel: () => convo.cancel('cancelled in the playground'),
    close: () => convo.close(),
  };
}
