import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import type { ConversationService } from '../conversation/conversation.service';
import type { RunReplay } from '../conversation/run-replay';
import type { SlowClientGuard } from '../conversation/slow-client-guard';
import { runEventEntry } from '../conversation/turn-entries';
import type { LogFollower, LogListener } from '../event-log/log-follower';
import { MESSAGE_END_TYPES, type LogEvent } from '../history/chat-log';
import { OrderedOutbox } from '../ws/ordered-outbox';
import type { InteractApproval } from './interact-approval';
import type { InteractObject } from './interact-object';
import { errorEvent, isEndMetadata, TurnTranslation, type InteractEvent } from './interact.protocol';
import type { InteractService } from './interact.service';
import { platformTurns } from './platform-turns';

export interface InteractPeer {
  send(event: InteractEvent): void;
  close(code: number, reason: string): void;
  /** Backpressure: told of every frame sent; holds back the runs of the conversations followed here. */
  guard: SlowClientGuard;
}

export interface InteractServices {
  interact: InteractService;
  conversations: ConversationService;
  replay: RunReplay;
  logger: Logger;
}

export interface InteractOptions {
  /** Debug events (tool calls and outputs): the role and the client's request both. */
  debug: boolean;
  /** `?keep_open=1`: several prompts on one connection. By default, as on the platform, one turn and close. */
  keepOpen: boolean;
}

const ENDS = new Set<string>(MESSAGE_END_TYPES);
const GONE = 'connection closed';

/**
 * One /interact socket. It follows each conversation it prompts from its first prompt on; by default
 * it closes with 1000 once every turn it asked for has ended (the platform's own client waits for that
 * close), and meanwhile shows only those turns. With keep_open it stays and shows every turn.
 */
export class InteractConnection {
  /** The seq of the last logged event sent; what events outside the log carry. */
  private position = 0;
  private readonly convos = new Map<string, Promise<LogFollower | null>>();
  /** Prompts are handled one after another, so a connection's turns start in the order it sent them. */
  private prompts: Promise<void> = Promise.resolve();
  private readonly outbox: OrderedOutbox;
  /** Runs whose end this connection waits for; `anyTurn`: a resume waits for the first end it is shown. */
  private readonly awaited = new Set<string>();
  private anyTurn = false;
  private handling = 0;
  /**
   * Aborted when the socket closes. Made when first asked for: a socket that closes without a prompt (a probe, a client
   * that gave up) would otherwise build a signal nobody listened to just to abort it, 3% of its open and close.
   */
  private goneController: AbortController | null = null;
  private stopped = false;

  constructor(
    private readonly services: InteractServices,
    readonly user: AuthUser,
    private readonly options: InteractOptions,
    private readonly peer: InteractPeer,
  ) {
    this.outbox = new OrderedOutbox((error) => services.logger.error('an interact event could not be sent', String(error)));
  }

  private get gone(): AbortSignal {
    if (!this.goneController) {
      this.goneController = new AbortController();
      if (this.stopped) this.goneController.abort(GONE);
    }
    return this.goneController.signal;
  }

  /** A reconnect that named the conversation and the last seq it saw: the rest follows. */
  resume(convoId: string, after: number): void {
    this.anyTurn = !this.options.keepOpen;
    this.convos.set(convoId, this.follow(convoId, after));
  }

  receive(object: InteractObject): void {
    this.handling += 1;
    this.prompts = this.prompts.then(() => this.handle(object)).finally(() => {
      this.handling -= 1;
      this.closeIfDone();
    });
  }

  /** A decision on a call waiting for approval, in turn with the prompts; what it did comes back through the log. */
  decide(approval: InteractApproval): void {
    this.handling += 1;
    this.prompts = this.prompts.then(() => this.handleDecision(approval)).finally(() => {
      this.handling -= 1;
      this.closeIfDone();
    });
  }

  /** A frame that is not an interactObject, or one over a quota; `close`: then the socket is closed with it. */
  refuse(code: string, message: string, convoId?: string, close?: { code: number; reason: string } | null): void {
    this.emit(convoId, [errorEvent(code, message, this.position, convoId)]);
    if (close) this.outbox.run(() => this.peer.close(close.code, close.reason));
    else this.closeIfDone();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.goneController?.abort(GONE);
    this.peer.guard.dispose();
    for (const following of this.convos.values()) {
      const follower = await following;
      if (follower) await this.services.conversations.unfollow(follower);
    }
  }

  private async handle(object: InteractObject): Promise<void> {
    try {
      if (object.kind === 'cancel') {
        await this.services.interact.assertNotForeign(this.user, object.convoId);
        await this.services.conversations.cancelRunning(object.convoId, object.prompt);
        return;
      }
      await this.services.interact.admit(this.user, object);
      await this.join(object.convoId);
      if (!object.record) return await this.unrecorded(object);
      const runId = randomUUID();
      // Before submitting: the run's first events may reach the follower before submit returns.
      this.awaited.add(runId);
      const messageId = object.mid ?? randomUUID();
      const request = { runId, messageId, content: object.prompt, agentId: object.agentId, meta: object.meta, dedupe: object.mid !== undefined, protocol: 'interact', userId: this.user.sub };
      const submitted = await this.services.conversations.submit(object.convoId, { ...request, greeting: object.kind === 'start', context: object.context });
      if (submitted.duplicate) {
        this.awaited.delete(runId);
        await this.repeat(object.convoId, submitted.runId, messageId);
      }
    } catch (error) {
      this.failed(error, object.convoId);
    }
  }

  private async handleDecision({ convoId, id, approved, reason }: InteractApproval): Promise<void> {
    try {
      await this.services.interact.assertOwner(this.user, convoId);
      await this.services.conversations.decide(convoId, id, { approved, reason, by: this.user.sub });
    } catch (error) {
      this.failed(error, convoId);
    }
  }

  /** The first prompt for a conversation on this connection: what came before, then everything after it. */
  private async join(convoId: string): Promise<void> {
    if (this.convos.has(convoId)) return;
    const joining = (async () => {
      const top = await this.services.conversations.top(convoId);
      const turns = await this.services.interact.turns(convoId, top);
      this.position = Math.max(this.position, top);
      this.emit(convoId, [{ type: 'sync_chat_history', turns, convoId, seq: top }]);
      return this.follow(convoId, top);
    })();
    this.convos.set(convoId, joining);
    // A join that failed (Redis unreachable) is forgotten, so the next prompt joins again instead of never following.
    await joining.catch((error: unknown) => {
      if (this.convos.get(convoId) === joining) this.convos.delete(convoId);
      throw error;
    });
  }

  private follow(convoId: string, after: number): Promise<LogFollower | null> {
    this.peer.guard.follow(convoId);
    const translations = new Map<string, TurnTranslation>();
    // Operator messages and status changes belong to no run: each is translated on its own.
    const translation = (event: LogEvent) => {
      if (event.runId === null) return new TurnTranslation(convoId, false);
      let existing = translations.get(event.runId);
      if (!existing) translations.set(event.runId, (existing = new TurnTranslation(convoId, this.options.debug)));
      return existing;
    };
    const listener: LogListener = {
      event: (event) => {
        if (!this.shows(event)) return;
        this.position = Math.max(this.position, event.seq);
        this.emit(convoId, translation(event).eventsFor(event));
        if (event.type === 'operator.message' || ENDS.has(event.type)) this.ended(event.runId);
        if (ENDS.has(event.type)) translations.delete(event.runId!);
      },
      context: (event) => void translation(event).eventsFor(event),
      drained: () => this.peer.guard.drained(),
    };
    return this.services.conversations.follow(convoId, after, listener, this.gone).catch((error: unknown) => {
      this.services.logger.error(`convo ${convoId}: following the log failed`, error instanceof Error ? error.stack : String(error));
      this.peer.close(1011, 'the conversation could not be followed');
      return null;
    });
  }

  /** A one-turn connection shows only the turns it waits for; a resume, the first one that comes. */
  private shows(event: LogEvent): boolean {
    return this.options.keepOpen || this.anyTurn || (event.runId !== null && this.awaited.has(event.runId));
  }

  private ended(runId: string | null): void {
    this.anyTurn = false;
    if (runId !== null) this.awaited.delete(runId);
    this.closeIfDone();
  }

  /** The same `mid` again: the stored answer of the first, once it has ended, and no second run. */
  private async repeat(convoId: string, runId: string, messageId: string): Promise<void> {
    const events = await this.services.replay.events(convoId, runId, messageId, this.gone);
    const translation = new TurnTranslation(convoId, this.options.debug);
    // A re-send, not new log entries: the events carry the position the connection has reached.
    this.emit(convoId, events.flatMap((event) => translation.eventsFor({ ...event, seq: this.position })));
  }

  /** disableRecordHistory: the turn runs here, for this connection alone, and nothing is stored. */
  private async unrecorded(object: InteractObject): Promise<void> {
    const { convoId } = object;
    const turnsBefore = await this.services.interact.turns(convoId, this.position);
    const translation = new TurnTranslation(convoId, this.options.debug);
    const messageId = object.mid ?? randomUUID();
    const request = { messageId, content: object.prompt, agentId: object.agentId, greeting: object.kind === 'start', context: object.context, protocol: 'interact' };
    for await (const run of this.services.conversations.unrecorded(convoId, request, this.gone)) {
      const event: LogEvent = { ...runEventEntry(run, messageId), chatId: convoId, seq: this.position, createdAt: new Date(run.at) };
      const events = translation.eventsFor(event);
      for (const sent of events) {
        if (!isEndMetadata(sent)) continue;
        const answer = run.type === 'run.finished' ? [{ role: 'assistant' as const, content: run.answer, at: new Date(run.at), model: run.usage?.model }] : [];
        const asked = object.kind === 'start' ? [] : [{ role: 'user' as const, content: object.prompt, at: new Date(run.at), messageId }];
        sent.metadata.turns = [...turnsBefore, ...platformTurns([...asked, ...answer])];
      }
      this.emit(convoId, events);
      // Nobody else follows an unrecorded turn: its one socket paces it directly.
      const behind = this.peer.guard.drained();
      if (behind) await behind;
    }
  }

  /** Sends in order; a turn's closing metadata first gets the conversation as it now stands. */
  private emit(convoId: string | undefined, events: InteractEvent[]): void {
    const reads = convoId !== undefined && events.some((event) => isEndMetadata(event) && event.metadata.turns === undefined);
    if (!reads) {
      this.outbox.run(() => events.forEach((event) => this.peer.send(event)));
      return;
    }
    this.outbox.run(async () => {
      for (const event of events) {
        if (isEndMetadata(event) && event.metadata.turns === undefined) event.metadata.turns = await this.services.interact.turns(convoId, event.seq);
        this.peer.send(event);
      }
    });
  }

  private failed(error: unknown, convoId: string): void {
    if (!(error instanceof CodedError)) {
      this.services.logger.error('interact prompt failed', error instanceof Error ? error.stack : String(error));
      this.emit(convoId, [errorEvent('internal', 'The prompt could not be handled', this.position, convoId)]);
      return;
    }
    this.emit(convoId, [errorEvent(String(error.code), error.message, this.position, convoId)]);
  }

  /** One-turn connections close once nothing they asked for is outstanding, after their last event. */
  private closeIfDone(): void {
    if (this.options.keepOpen || this.handling > 0 || this.awaited.size > 0 || this.anyTurn) return;
    this.outbox.run(() => this.peer.close(1000, 'turn complete'));
  }
}
