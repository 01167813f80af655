import { describeError } from '../dom';
import type { Session, SessionHost } from './session';

/** POST /agent/run: every step at once when the run is over; nothing stored, so no history. */
export function openRun({ gateway, transcript, setState }: SessionHost, agent: string): Session {
  setState('rest');
  let running: AbortController | null = null;
  return {
    async send(text) {
      transcript.user(text);
      running = new AbortController();
      try {
        for (const step of await gateway.runAgent({ task: text, agent }, { signal: running.signal })) transcript.step(step.step_type, step.content);
      } catch (error) {
        transcript.error(running.signal.aborted ? 'Cancelled.' : describeError(error));
      } finally {
        running = null;
      }
    },
    cancel: () => running?.abort(),
    close: () => running?.abort(),
  };
}
