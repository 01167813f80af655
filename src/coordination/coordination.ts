/**
 * What instances of the gateway share about a chat while it is live: who may write its log (a lock with a
 * fencing token), its events as they happen (fan-out and a short tail for replay), requests to whoever
 * holds it, and the turns waiting for it. One process uses the in-memory implementations; with REDIS_URL
 * every instance uses the Redis ones. Abstract classes, so Nest injects them by these names.
 */

/** An event as it travels between instances: the log row, with its instant as epoch milliseconds. */
export interface WireEvent {
  chatId: string;
  seq: number;
  runId: string | null;
  type: string;
  payload: unknown;
  at: number;
}

/** The right to write one chat's log until released or lost. */
export interface ChatLease {
  readonly chatId: string;
  /** Grows with every grant for the chat, so storage can refuse a writer whose lease was taken over. */
  readonly fence: number;
  /** Aborted when the lease could not be kept (expired, or taken by another instance). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export abstract class ChatLocks {
  /** The lease when nobody holds the chat; null when it is held (here or elsewhere). */
  abstract tryAcquire(chatId: string): Promise<ChatLease | null>;
  abstract isHeld(chatId: string): Promise<boolean>;
}

export type EventListener = (event: WireEvent) => void;

export abstract class ChatBus {
  /** Sends an event to every follower of the chat, in the order published, and keeps it in the tail. */
  abstract publish(event: WireEvent, durableSeq: number): void;
  /** Resolves once the subscription is live: every event published after that reaches `listener`. */
  abstract subscribe(chatId: string, listener: EventListener): Promise<() => void>;
  /** Published events after `seq` still held in the tail (durable or not), oldest first. */
  abstract tail(chatId: string, afterSeq: number): Promise<WireEvent[]>;
  /** The highest seq published for the chat that the tail still knows; 0 when none. */
  abstract top(chatId: string): Promise<number>;
  /** Everything up to `durableSeq` is in the database: the tail may forget it. */
  abstract settle(chatId: string, durableSeq: number): Promise<void>;

  /** The chat's newest seq, stored (`stored` reads the database) or only published. */
  async newest(chatId: string, stored: () => Promise<number>): Promise<number> {
    const [inStore, published] = await Promise.all([stored(), this.top(chatId)]);
    return Math.max(inStore, published);
  }
}

/**
 * Whether what instances share can be reached right now. While it cannot, a client's request fails at once
 * with a code it can act on, instead of waiting on a store that is not there; in memory it always can.
 */
export abstract class CoordinationHealth {
  abstract reachable(): boolean;
}

/** A request to a chat's current lock holder; `kind` picks the handler. */
export interface ControlRequest {
  kind: string;
  [field: string]: unknown;
}

export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

export abstract class ChatControl {
  /** Serves requests for the chat while the caller holds it; returns the function that stops serving. */
  abstract serve(chatId: string, handler: ControlHandler): Promise<() => void>;
  /** The holder's answer; undefined when nobody serves the chat or no answer came in `timeoutMs`. */
  abstract request(chatId: string, request: ControlRequest, timeoutMs: number): Promise<unknown>;
}

/** A client message waiting for its chat's run lane. */
export interface QueuedTurn {
  messageId: string;
  runId: string;
  content: string;
  agentId?: string;
  /** The agent speaks first: no user message is stored and the model is asked for its greeting. */
  greeting?: boolean;
  /** The model's context instead of the stored turns (a client that keeps the conversation itself). */
  context?: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** Who sent it: the turn counts against their RUNS_IN_FLIGHT_PER_USER until it ends. */
  userId?: string;
  /** What the client said about the message (its reply-to, session…), stored with it as sent. */
  meta?: Record<string, unknown>;
  /** The protocol the message came in on, as the metrics label its run. */
  protocol?: string;
}

export abstract class TurnQueue {
  /** Appends the turn unless `max` already wait; false when it was not queued. */
  abstract push(chatId: string, turn: QueuedTurn, max: number): Promise<boolean>;
  abstract shift(chatId: string): Promise<QueuedTurn | null>;
  /** The waiting turn with this message id, left in place; null when none waits under that id. */
  abstract find(chatId: string, messageId: string): Promise<QueuedTurn | null>;
  /** Takes a waiting turn out by message id; null when none waits under that id. */
  abstract remove(chatId: string, messageId: string): Promise<QueuedTurn | null>;
  abstract clear(chatId: string): Promise<QueuedTurn[]>;
  abstract size(chatId: string): Promise<number>;
  /** Chats with turns waiting, for recovery after an instance died while holding them. */
  abstract waiting(limit: number): Promise<string[]>;
}

/**
 * The turns each user has accepted and not yet ended, over all instances, each held until released or until
 * its expiry passes (so an instance that died holding some does not hold the user back for ever).
 */
export abstract class UserRuns {
  /** Holds `runId` for `ttlMs` (again, when held already) unless `max` others are held; false when refused. */
  abstract acquire(userId: string, runId: string, max: number, ttlMs: number): Promise<boolean>;
  abstract release(userId: string, runId: string): Promise<void>;
}

/** How many sockets follow a chat across all instances (for the disconnect policy). */
export abstract class ChatPresence {
  abstract join(chatId: string): Promise<void>;
  /** Returns how many sockets still follow the chat. */
  abstract leave(chatId: string): Promise<number>;
}

/**
 * For protocols with one client per chat (interactive sessions): the newest socket to take a chat over
 * has it, whichever instance it is on, and the one it displaces is told.
 */
export abstract class ChatTakeover {
  /**
   * Makes a socket the chat's newest; `displaced` is called at most once, when a newer socket takes the
   * chat over later. Resolves once the takeover is announced; the returned function withdraws the socket.
   */
  abstract takeOver(chatId: string, displaced: () => void): Promise<() => void>;
}
