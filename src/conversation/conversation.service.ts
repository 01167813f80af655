import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ApprovalDecision } from '../agent/engine/approvals';
import type { RunEvent } from '../agent/run-events';
import { ChatError, ChatErrorCode } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CodedError } from '../common/coded-error';
import { retrying } from '../common/retrying';
import { ChatControl, ChatPresence, CoordinationHealth, TurnQueue, type QueuedTurn } from '../coordination/coordination';
import type { ChatWriter } from '../event-log/chat-writer';
import { EventLog } from '../event-log/event-log';
import { EventLogError, EventLogErrorCode } from '../event-log/event-log.error';
import type { LogFollower, LogListener } from '../event-log/log-follower';
import { RunRecovery } from '../event-log/run-recovery';
import { MESSAGE_END_TYPES } from '../history/chat-log';
import { ConversationRepository } from '../history/conversation.repository';
import { HistoryRepository } from '../history/history.repository';
import { GatewayMetrics, type TurnCounts } from '../metrics/gateway-metrics';
import { QuotaError, QuotaErrorCode } from '../quota/quota.error';
import { RunQuota } from '../quota/run-quota';
import { ConversationLane } from './conversation-lane';
import { TurnExecutor } from './turn-executor';
import { ApprovalGates, SUSPENDED, type DeliveryOutcome } from './approval-gates';
import { ApprovalError, ApprovalErrorCode } from './approval.error';
import { RunRebuild, type ResumedRun } from './run-rebuild';
import { ConversationTranscript } from './conversation-transcript';
import { logEntry } from './turn-entries';

export interface TurnRequest extends Omit<QueuedTurn, 'runId'> {
  /** Given by a caller that must recognise the run's events before `submit` returns; generated otherwise. */
  runId?: string;
  /** A message id the chat has seen already gets that message's run back instead of a second one. */
  dedupe?: boolean;
}

export interface Submitted {
  runId: string;
  /** The message id was already in the chat (`dedupe`): nothing new runs, `runId` is the earlier run. */
  duplicate: boolean;
}

// How long a cancel or an interrupt waits for the instance running the chat to answer.
const CONTROL_TIMEOUT_MS = 5000;
const ORPHAN_BATCH = 100;
const UNREACHABLE = 'The chat cannot take messages right now (the service is reconnecting); please send it again in a moment';

/**
 * The protocol-neutral heart of every conversation. Turns wait in the chat's queue; whichever instance
 * holds the chat's writer runs them one at a time, and every event goes through the event log, which
 * fans it out to every connection on every instance. Adapters follow the log and translate.
 */
@Injectable()
export class ConversationService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ConversationService');
  private readonly lanes = new Map<string, ConversationLane>();
  private stopping = false;

  constructor(
    private readonly turns: TurnExecutor,
    private readonly log: EventLog,
    private readonly transcript: ConversationTranscript,
    private readonly conversations: ConversationRepository,
    private readonly history: HistoryRepository,
    private readonly queue: TurnQueue,
    private readonly control: ChatControl,
    private readonly presence: ChatPresence,
    private readonly health: CoordinationHealth,
    private readonly recovery: RunRecovery,
    private readonly metrics: GatewayMetrics,
    private readonly quota: RunQuota,
    private readonly gates: ApprovalGates,
    private readonly rebuild: RunRebuild,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A chat given up by a brief writer (an operator reply) may have turns queued behind it.
    this.log.onRelease((chatId) => void this.pickUp(chatId));
    this.recovery.register('turn', (writer, runId) => this.recoverTurn(writer, runId));
    this.recovery.alsoSweep(() => this.pickUpOrphans());
    this.metrics.countTurnsWith(() => this.turnCounts());
  }

  /**
   * Delivers the chat's events after `after` (after the newest when null), then live ones, to `listener`.
   * Through an outage it keeps trying (the socket stays open and catches up once it ends); null when `gone`
   * (the socket closed) came first, with nothing left to undo.
   */
  async follow(chatId: string, after: number | null, listener: LogListener, gone: AbortSignal): Promise<LogFollower | null> {
    try {
      const follower = await this.log.follow(chatId, after, listener, gone);
      // Counted once followed, so a socket that left before that is never counted.
      await retrying(() => this.presence.join(chatId), gone).catch((error: unknown) => {
        follower.stop();
        throw error;
      });
      return follower;
    } catch (error) {
      if (gone.aborted) return null;
      throw error;
    }
  }

  async unfollow(follower: LogFollower): Promise<void> {
    follower.stop();
    const left = await this.presence.leave(follower.chatId);
    if (left === 0 && this.config.chat.disconnectPolicy === 'cancel') await this.abandon(follower.chatId);
  }

  top(chatId: string): Promise<number> {
    return this.whileReachable(() => this.log.top(chatId));
  }

  /**
   * Starts or queues a turn; under the reject policy a busy conversation refuses it (ChatError busy). While
   * Redis is unreachable it is refused at once (EventLogError unavailable), nothing of it kept.
   */
  submit(chatId: string, request: TurnRequest): Promise<Submitted> {
    return this.whileReachable(() => this.start(chatId, request));
  }

  private async start(chatId: string, request: TurnRequest): Promise<Submitted> {
    const { dedupe, runId, ...fields } = request;
    if (dedupe) {
      const earlier = await this.earlierRun(chatId, request.messageId);
      if (earlier) return { runId: earlier, duplicate: true };
    }
    const turn: QueuedTurn = { ...fields, runId: runId ?? randomUUID() };
    await this.quota.acquire(turn.userId, turn.runId);
    try {
      return await this.accept(chatId, turn);
    } catch (error) {
      this.quota.release(turn.userId, turn.runId);
      throw error;
    }
  }

  private async accept(chatId: string, turn: QueuedTurn): Promise<Submitted> {
    const submitted = { runId: turn.runId, duplicate: false };
    if (this.config.chat.busyPolicy === 'reject') {
      // Taking the writer is the test: nobody, on any instance, runs or writes this chat now.
      const writer = (await this.queue.size(chatId)) === 0 ? await this.log.open(chatId) : null;
      if (!writer) throw new ChatError(ChatErrorCode.Busy, 'The chat is busy: a message is still being answered');
      this.run(writer, turn);
      return submitted;
    }
    const max = this.config.quotas.queuedTurnsPerChat;
    if (!(await this.queue.push(chatId, turn, max))) {
      throw new QuotaError(QuotaErrorCode.QueueFull, `${max} messages already wait in this chat (CHAT_MAX_QUEUED_TURNS); send this one once they are answered`, 1000);
    }
    // Queued, the turn will run: failing now would tell the client otherwise. Left uninterrupted, the turn before it ends first.
    if (this.config.chat.busyPolicy === 'interrupt') await this.cancelRunning(chatId, 'interrupted').catch((error: unknown) => this.warn(chatId, error));
    await this.pickUp(chatId);
    return submitted;
  }

  /** A turn answered without the log, for one client alone (see TurnExecutor.unrecorded). */
  unrecorded(chatId: string, request: Omit<QueuedTurn, 'runId' | 'meta'>, signal: AbortSignal): AsyncGenerator<RunEvent> {
    return this.turns.unrecorded(chatId, request, signal);
  }

  /**
   * A decision on a call waiting for approval, from any instance; resolves once the run has stored it. After a
   * restart nobody may run the chat yet: a recovery sweep picks the run up (it waits again) and the decision is tried
   * once more. Refused with ApprovalError when no such call waits in the chat, or it was decided already.
   */
  decide(chatId: string, approvalId: string, decision: ApprovalDecision): Promise<void> {
    return this.whileReachable(async () => {
      let outcome = await this.deliver(chatId, approvalId, decision);
      // Nobody runs the chat: if the log says the call waits, its instance is gone and the sweep takes the run up here.
      if (outcome === undefined && (await this.history.hasEventWith(chatId, ['approval.requested'], 'approvalId', approvalId))) {
        await this.recovery.sweep();
        outcome = await this.deliver(chatId, approvalId, decision);
      }
      if (outcome === 'decided') return;
      if (outcome === 'already_decided' || (await this.history.hasEventWith(chatId, ['approval.decided'], 'approvalId', approvalId))) {
        throw new ApprovalError(ApprovalErrorCode.AlreadyDecided, `Approval ${approvalId} was decided already`);
      }
      throw new ApprovalError(ApprovalErrorCode.Unknown, `No call waits for approval ${approvalId} in this chat`);
    });
  }

  /** Undefined when no instance runs the chat. */
  private async deliver(chatId: string, approvalId: string, decision: ApprovalDecision): Promise<DeliveryOutcome | undefined> {
    const lane = this.lanes.get(chatId);
    if (lane) return this.gates.deliver(chatId, approvalId, decision);
    return (await this.control.request(chatId, { kind: 'approval', approvalId, decision }, CONTROL_TIMEOUT_MS)) as DeliveryOutcome | undefined;
  }

  /** Stops whatever turn the chat is running now, from any instance (interact's `@cancel:`); false when none ran. */
  async cancelRunning(chatId: string, reason: string): Promise<boolean> {
    const lane = this.lanes.get(chatId);
    if (lane) return interrupt(lane, reason);
    return (await this.control.request(chatId, { kind: 'interrupt', reason }, CONTROL_TIMEOUT_MS)) === true;
  }

  /**
   * Cancels a running or waiting turn, from any instance; every connection sees it end with `run.cancelled`.
   * A message that already ended is left as it is (no frame may follow its end); one that is neither running,
   * waiting nor ended is refused with UnknownMessage.
   */
  cancel(chatId: string, messageId: string): Promise<void> {
    return this.whileReachable(() => this.cancelMessage(chatId, messageId));
  }

  private async cancelMessage(chatId: string, messageId: string): Promise<void> {
    const queued = await this.queue.remove(chatId, messageId);
    if (queued) {
      this.quota.release(queued.userId, queued.runId);
      await this.log.append(chatId, [logEntry(queued.runId, { type: 'run.cancelled', payload: { reason: 'cancelled', messageId } })]);
      return;
    }
    const lane = this.lanes.get(chatId);
    const cancelled = lane ? this.cancelActive(lane, messageId) : await this.control.request(chatId, { kind: 'cancel', messageId }, CONTROL_TIMEOUT_MS);
    if (cancelled === true) return;
    // A turn stops being active only after its end is stored, so a cancel that just missed it finds the end here.
    if (await this.history.hasEventWith(chatId, MESSAGE_END_TYPES, 'messageId', messageId)) return;
    throw new ChatError(ChatErrorCode.UnknownMessage, `No message ${messageId} is running or waiting in this chat`);
  }

  /** A human operator answers in a handed-off conversation; every connection on it receives the reply. */
  async operatorReply(chatId: string, operatorId: string, content: string): Promise<{ content: string; at: string }> {
    if ((await this.conversations.status(chatId)) !== 'handoff') {
      throw new ChatError(ChatErrorCode.NotHandedOff, 'The conversation is not handed off to an operator');
    }
    const [stored] = await this.log.append(chatId, [logEntry(null, { type: 'operator.message', payload: { operatorId, content } })]);
    return { content, at: stored!.createdAt.toISOString() };
  }

  /** The operator hands the conversation back: the agent answers new messages again. */
  async handBack(chatId: string, operatorId: string): Promise<void> {
    if (!(await this.conversations.transition(chatId, 'handoff', 'active'))) {
      throw new ChatError(ChatErrorCode.NotHandedOff, 'The conversation is not handed off to an operator');
    }
    await this.log.append(chatId, [logEntry(null, { type: 'status.changed', payload: { status: 'active', by: operatorId } })]);
  }

  /**
   * Shutdown (drain): running turns may finish within SHUTDOWN_TIMEOUT_MS, queued ones stay queued for
   * another instance (in memory there is none: they are cancelled); then what still runs is cancelled.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const lanes = [...this.lanes.values()];
    // A person may take days to decide: such runs are not waited for, nor cancelled, but left to the next instance.
    for (const lane of lanes) if (lane.active && this.gates.waiting(lane.active.runId)) lane.active.controller.abort(SUSPENDED);
    const finished = Promise.all(lanes.map((lane) => lane.done));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.config.http.shutdownTimeoutMs)));
    if ((await Promise.race([finished, late])) === 'late') for (const lane of lanes) lane.active?.controller.abort('server shutting down');
    clearTimeout(timer);
    await finished;
  }

  /**
   * A client's request while Redis is unreachable would wait on ioredis's offline queue for seconds, then fail
   * with no word a client could act on: it is refused at once instead, with a code that says to try again.
   * A failure that comes with the connection lost on the way is the same outage.
   */
  private async whileReachable<T>(work: () => Promise<T>): Promise<T> {
    if (!this.health.reachable()) throw new EventLogError(EventLogErrorCode.Unavailable, UNREACHABLE);
    try {
      return await work();
    } catch (error) {
      if (error instanceof CodedError || this.health.reachable()) throw error;
      throw new EventLogError(EventLogErrorCode.Unavailable, UNREACHABLE);
    }
  }

  /** Runs the chat's queued turns here if nobody else does. Never rejects: callers fire and forget it. */
  private async pickUp(chatId: string): Promise<void> {
    try {
      if (this.stopping || this.lanes.has(chatId) || (await this.queue.size(chatId)) === 0) return;
      const writer = await this.log.open(chatId);
      if (writer) this.run(writer);
    } catch (error) {
      // Redis or the database gone: what waits is picked up by the next recovery sweep once they are back.
      this.warn(chatId, error);
    }
  }

  /** Starts a lane on `writer`: `first` (or a run continued after a restart), then every queued turn, then the writer is given up. */
  private run(writer: ChatWriter, first?: QueuedTurn | ResumedRun): void {
    const lane = new ConversationLane(writer);
    this.lanes.set(lane.chatId, lane);
    writer.handle('cancel', (request) => Promise.resolve(this.cancelActive(lane, String(request.messageId))));
    writer.handle('interrupt', (request) => Promise.resolve(interrupt(lane, typeof request.reason === 'string' ? request.reason : 'interrupted')));
    writer.handle('approval', (request) => this.gates.deliver(lane.chatId, String(request.approvalId), request.decision as ApprovalDecision));
    lane.done = this.drain(lane, first).finally(() => {
      this.lanes.delete(lane.chatId);
      void this.pickUp(lane.chatId);
    });
  }

  private async drain(lane: ConversationLane, first?: QueuedTurn | ResumedRun): Promise<void> {
    try {
      if (first && 'resume' in first) await this.turns.resume(lane, first);
      let turn = (first && !('resume' in first) ? first : null) ?? (await this.queue.shift(lane.chatId));
      while (turn && !lane.writer.signal.aborted) {
        await this.turns.execute(lane, turn);
        if (this.stopping) await this.cancelQueuedOnShutdown(lane);
        turn = this.stopping ? null : await this.queue.shift(lane.chatId);
      }
    } catch (error) {
      this.warn(lane.chatId, error);
    } finally {
      await lane.writer.close().catch((error: unknown) => this.warn(lane.chatId, error));
    }
  }

  /** The run that answers `messageId`, whether it waits, runs or ended; null when the chat never saw it. */
  private async earlierRun(chatId: string, messageId: string): Promise<string | null> {
    const queued = await this.queue.find(chatId, messageId);
    return queued?.runId ?? (await this.transcript.runOf(chatId, messageId));
  }

  /** True when `messageId` was the running turn (now cancelled). */
  private cancelActive(lane: ConversationLane, messageId: string): boolean {
    if (lane.active?.messageId !== messageId) return false;
    lane.active.controller.abort('cancelled');
    return true;
  }

  /** The last follower left under the cancel policy: waiting turns are dropped and the running one stopped. */
  private async abandon(chatId: string): Promise<void> {
    for (const turn of await this.queue.clear(chatId)) {
      this.quota.release(turn.userId, turn.runId);
      await this.log.append(chatId, [logEntry(turn.runId, { type: 'run.cancelled', payload: { reason: 'client disconnected', messageId: turn.messageId } })]);
    }
    await this.cancelRunning(chatId, 'client disconnected');
  }

  /** In memory nobody else will run what waits: its clients learn that it was cancelled. */
  private async cancelQueuedOnShutdown(lane: ConversationLane): Promise<void> {
    if (this.config.redis) return;
    for (const turn of await this.queue.clear(lane.chatId)) {
      this.quota.release(turn.userId, turn.runId);
      await lane.writer.append([logEntry(turn.runId, { type: 'run.cancelled', payload: { reason: 'server shutting down', messageId: turn.messageId } })]);
    }
  }

  /**
   * The instance running this turn is gone: a run waiting for an approval continues here (it waits again), any other
   * is recorded as failed; then what waits behind it runs.
   */
  private async recoverTurn(writer: ChatWriter, runId: string): Promise<void> {
    const resumed = await this.rebuild.rebuild(writer.chatId, runId);
    // Shutting down, a waiting run is left in flight for the next instance, as the runs this one suspends.
    if (resumed && this.stopping) return writer.close();
    if (resumed) return this.run(writer, resumed);
    const messageId = (await this.transcript.messageOf(writer.chatId, runId)) ?? '';
    const error = { code: ChatErrorCode.Interrupted, message: 'The server running this message stopped before it finished; please send it again' };
    await writer.append([logEntry(runId, { type: 'run.failed', payload: { error, messageId } })], null);
    if (this.stopping) await writer.close();
    else this.run(writer);
  }

  /** What this instance knows: the turns its lanes run, and those queued behind them in the same chats. */
  private async turnCounts(): Promise<TurnCounts> {
    const lanes = [...this.lanes.values()];
    const sizes = await Promise.all(lanes.map((lane) => this.queue.size(lane.chatId)));
    return { running: lanes.filter((lane) => lane.active !== null).length, waiting: sizes.reduce((sum, size) => sum + size, 0) };
  }

  private async pickUpOrphans(): Promise<void> {
    for (const chatId of await this.queue.waiting(ORPHAN_BATCH)) await this.pickUp(chatId);
  }

  private warn(chatId: string, error: unknown): null {
    this.logger.warn(`chat ${chatId}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Stops the lane's running turn, if any; true when there was one. */
function interrupt(lane: ConversationLane, reason: string): boolean {
  const running = lane.active !== null;
  lane.active?.controller.abort(reason);
  return running;
}
