import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AgentRunner } from '../agent/engine/agent-runner';
import type { RunEvent, RunEventBody } from '../agent/run-events';
import { ChatError, ChatErrorCode } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationRepository } from '../history/conversation.repository';
import { ConversationLane, type TurnJob } from './conversation-lane';
import { ConversationTranscript } from './conversation-transcript';
import type { OperatorMessage, TurnSink } from './turn-sink';

export interface TurnRequest {
  messageId: string;
  content: string;
  agentId?: string;
}

/**
 * The protocol-neutral heart of every conversation: runs its turns one at a time (enqueue, reject or
 * interrupt while busy), stores every step before any connection sees it, and fans run events out to
 * every connection on the conversation. Adapters translate the events to their wire.
 */
@Injectable()
export class ConversationService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ConversationService');
  private readonly lanes = new Map<string, ConversationLane>();

  constructor(
    private readonly runner: AgentRunner,
    private readonly transcript: ConversationTranscript,
    private readonly conversations: ConversationRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  join(chatId: string, sink: TurnSink): void {
    this.lane(chatId).sinks.add(sink);
  }

  leave(chatId: string, sink: TurnSink): void {
    const lane = this.lanes.get(chatId);
    if (!lane) return;
    lane.sinks.delete(sink);
    if (lane.sinks.size === 0 && this.config.chat.disconnectPolicy === 'cancel') {
      lane.queue.length = 0;
      lane.active?.controller.abort('client disconnected');
    }
    this.release(lane);
  }

  /** Starts or queues a turn; under the reject policy a busy conversation refuses it (ChatError busy). */
  submit(chatId: string, request: TurnRequest): void {
    const lane = this.lane(chatId);
    const job: TurnJob = { ...request, controller: new AbortController() };
    if (lane.active) {
      const policy = this.config.chat.busyPolicy;
      if (policy === 'reject') throw new ChatError(ChatErrorCode.Busy, 'The chat is busy: a message is still being answered');
      if (policy === 'interrupt') lane.active.controller.abort('interrupted');
      lane.queue.push(job);
      return;
    }
    this.start(lane, job);
  }

  /** Cancels a running or waiting turn; every connection sees it end with `run.cancelled`. */
  cancel(chatId: string, messageId: string): void {
    const lane = this.lanes.get(chatId);
    if (lane?.active?.messageId === messageId) {
      lane.active.controller.abort('cancelled');
      return;
    }
    if (lane?.dequeue(messageId)) {
      lane.broadcast(synthetic(chatId, { type: 'run.cancelled', reason: 'cancelled' }), { messageId });
      return;
    }
    throw new ChatError(ChatErrorCode.UnknownMessage, `No message ${messageId} is running or waiting in this chat`);
  }

  /** Shutdown: runs are cancelled (their clients see it) and stored before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const lane of this.lanes.values()) {
      lane.queue.length = 0;
      lane.active?.controller.abort('server shutting down');
    }
    await Promise.all([...this.lanes.values()].map((lane) => lane.drained));
  }

  /** A human operator answers in a handed-off conversation; every connection on it receives the reply. */
  async operatorReply(chatId: string, operatorId: string, content: string): Promise<OperatorMessage> {
    if ((await this.conversations.status(chatId)) !== 'handoff') {
      throw new ChatError(ChatErrorCode.NotHandedOff, 'The conversation is not handed off to an operator');
    }
    const stored = await this.transcript.operatorMessage(chatId, operatorId, content);
    const message = { content, at: stored.toISOString() };
    this.lanes.get(chatId)?.broadcastOperator(message);
    return message;
  }

  /** The operator hands the conversation back: the agent answers new messages again. */
  async handBack(chatId: string, operatorId: string): Promise<void> {
    if (!(await this.conversations.transition(chatId, 'handoff', 'active'))) {
      throw new ChatError(ChatErrorCode.NotHandedOff, 'The conversation is not handed off to an operator');
    }
    await this.transcript.statusChanged(chatId, 'active', operatorId);
  }

  private async handOff(chatId: string): Promise<void> {
    if (await this.conversations.transition(chatId, 'active', 'handoff')) await this.transcript.statusChanged(chatId, 'handoff', 'agent');
  }

  private start(lane: ConversationLane, job: TurnJob): void {
    lane.active = job;
    lane.drained = this.execute(lane, job).finally(() => {
      lane.active = null;
      const next = lane.queue.shift();
      if (next) this.start(lane, next);
      else this.release(lane);
    });
  }

  private async execute(lane: ConversationLane, job: TurnJob): Promise<void> {
    const runId = randomUUID();
    const { chatId } = lane;
    try {
      await this.transcript.userMessage(chatId, runId, job.messageId, job.content);
      if ((await this.conversations.status(chatId)) === 'handoff') {
        lane.broadcastHeld(job);
        return;
      }
      const history = await this.transcript.memory(chatId, this.config.chat.memoryTurns, runId);
      const run = this.runner.run({ chatId, runId, agentId: job.agentId, input: job.content, history, signal: job.controller.signal });
      for await (const event of run) {
        await this.transcript.record(event, job.messageId);
        if (event.type === 'handoff') await this.handOff(chatId);
        lane.broadcast(event, job);
      }
    } catch (error) {
      // Storage failed: the run is stopped, and every connection still learns that the turn ended.
      job.controller.abort('storage failed');
      this.logger.error(`chat ${chatId} message ${job.messageId} could not be stored`, error instanceof Error ? error.stack : String(error));
      const failure = { code: ChatErrorCode.StorageFailed, message: 'The message could not be stored; please try again' };
      lane.broadcast(synthetic(chatId, { type: 'run.failed', error: failure }, runId), job);
    }
  }

  private lane(chatId: string): ConversationLane {
    let lane = this.lanes.get(chatId);
    if (!lane) {
      lane = new ConversationLane(chatId);
      this.lanes.set(chatId, lane);
    }
    return lane;
  }

  private release(lane: ConversationLane): void {
    if (lane.idle) this.lanes.delete(lane.chatId);
  }
}

/** A terminal event for a turn the engine never ran (cancelled while queued) or could not finish. */
function synthetic(chatId: string, body: RunEventBody, runId: string = randomUUID()): RunEvent {
  return { chatId, runId, seq: 1, at: new Date().toISOString(), ...body };
}
