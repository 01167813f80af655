import { isErrorFrame, type InteractiveConnection, type InteractiveServerFrame } from '../../client/src/index';
import { describeError } from '../dom';
import type { Session, SessionHost } from './session';

/**
 * An interactive route: each message opens the session's socket (the message is in its URL) for one execution.
 * The protocol does not mark which message waits for an answer, so the newest one offers an answer field.
 */
export function openInteractive({ gateway, transcript, setState }: SessionHost, route: string, sessionId: string, fresh: boolean): Session {
  let current: InteractiveConnection | null = null;
  setState('idle');
  const loaded = fresh ? Promise.resolve() : loadHistory();

  async function loadHistory(): Promise<void> {
    try {
      for (const row of (await gateway.history(sessionId)).items) {
        if (row.role === 'user') transcript.user(row.content);
        else transcript.answer(row.content, '🤖 Agent');
      }
    } catch (error) {
      transcript.error(`The session could not be loaded: ${describeError(error)}`);
    }
  }

  function render(session: InteractiveConnection, frame: InteractiveServerFrame): void {
    if (isErrorFrame(frame)) return transcript.error(`${frame.data.message} (${frame.data.code})`);
    const { seq: _seq, ...payload } = frame;
    if (typeof payload.message === 'string') {
      transcript.answer(payload.message, '🤖 Agent');
      transcript.ask((answer) => session.answer(answer));
    } else if (payload.event === 'context') transcript.data('🧾 Context', payload.data);
    else transcript.data('📨 Event', payload);
  }

  return {
    async send(text) {
      await loaded;
      transcript.user(text);
      const session = gateway.interactive(route, { message: text, sessionId });
      current = session;
      session.on('state', setState);
      try {
        for await (const frame of session) render(session, frame);
      } catch (error) {
        transcript.error(describeError(error));
      } finally {
        transcript.closePrompt();
        current = null;
        setState('idle');
      }
    },
    close: () => current?.close(),
  };
}
