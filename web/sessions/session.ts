import type { GatewayClient } from '../../client/src/index';
import type { Transcript } from '../transcript';

/** What the connection pill shows: the client's connection states, or no socket at all. */
export type PillState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'idle' | 'rest';

export interface SessionHost {
  gateway: GatewayClient;
  transcript: Transcript;
  setState(state: PillState): void;
}

/** One conversation on one protocol, as the page drives it. */
export interface Session {
  /** Sends a message; resolves once its turn is over (the input stays locked until then). */
  send(text: string): Promise<void>;
  /** Cancels the running turn, where the protocol can. */
  cancel?(): void;
  close(): void;
}
