import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AgentRunner } from '../agent/engine/agent-runner';
import type { RunEvent } from '../agent/run-events';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ChatTranscript } from './chat-transcript';
import { ChatLane, type ChatJob, type ChatSink } from './chat-lane';
import { errorFrame, framesFor } from './chat.protocol';

/**
 * Runs a chat's messages one at a time (enqueue, reject or interrupt while busy), stores every step
 * before any socket sees it, and fans the frames out to every socket on the chat.
 */
@Injectable()
export class ChatService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ChatService');
  private readonly lanes = new Map<string, ChatLane>();

  constructor(
    private readonly runner: AgentRunner,
    private readonly transcript: ChatTranscript,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  join(chatId: string, sink: ChatSink): void {
    this.lane(chatId).sinks.add(sink);
  }

  leave(chatId: string, sink: ChatSink): void {
    const lane = this.lanes.get(chatId);
    if (!lane) return;
    lane.sinks.delete(sink);
    if (lane.sinks.size === 0 && this.config.chat.disconnectPolicy === 'cancel') {
      lane.queue.length = 0;
      lane.active?.controller.abort('client disconnected');
    }
    this.release(lane);
  }

  submit(chatId: string, origin: ChatSink, messageId: string, content: string): void {
    const lane = this.lane(chatId);
    const job: ChatJob = { messageId, content, controller: new AbortController() };
    if (lane.active) {
      const policy = this.config.chat.busyPolicy;
      if (policy === 'reject') {
        origin.send(errorFrame(chatId, 'The chat is busy: a message is still being answered', messageId));
        return;
      }
      if (policy === 'interrupt') lane.active.controller.abort('interrupted');
      lane.queue.push(job);
      return;
    }
    this.start(lane, job);
  }

  cancel(chatId: string, origin: ChatSink, messageId: string): void {
    const lane = this.lanes.get(chatId);
    if (lane?.active?.messageId === messageId) {
      lane.active.controller.abort('cancelled');
      return;
    }
    const waiting = lane?.dequeue(messageId);
    if (lane && waiting) {
      lane.broadcast([errorFrame(chatId, 'cancelled', messageId), { type: 'message_end', message_id: messageId, chat_id: chatId }]);
      return;
    }
    origin.send(errorFrame(chatId, `No message ${messageId} is running or waiting in this chat`, messageId));
  }

  /** Shutdown: runs are cancelled (their clients get agent_error and message_end) and stored before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const lane of this.lanes.values()) {
      lane.queue.length = 0;
      lane.active?.controller.abort('server shutting down');
    }
    await Promise.all([...this.lanes.values()].map((lane) => lane.drained));
  }

  private start(lane: ChatLane, job: ChatJob): void {
    lane.active = job;
    lane.drained = this.execute(lane, job).finally(() => {
      lane.active = null;
      const next = lane.queue.shift();
      if (next) this.start(lane, next);
      else this.release(lane);
    });
  }

  private async execute(lane: ChatLane, job: ChatJob): Promise<void> {
    const runId = randomUUID();
    const { chatId } = lane;
    try {
      await this.transcript.userMessage(chatId, runId, job.messageId, job.content);
      const history = await this.transcript.memory(chatId, this.config.chat.memoryTurns, runId);
      for await (const event of this.runner.run({ chatId, runId, input: job.content, history, signal: job.controller.signal })) {
        await this.record(event, job);
        lane.broadcast(framesFor(event, job.messageId, true));
      }
    } catch (error) {
      // Storage failed: the run is stopped, and the client still learns that its message ended.
      job.controller.abort('storage failed');
      this.logger.error(`chat ${chatId} message ${job.messageId} could not be stored`, error instanceof Error ? error.stack : String(error));
      lane.broadcast([
        errorFrame(chatId, 'The message could not be stored; please try again', job.messageId),
        { type: 'message_end', message_id: job.messageId, chat_id: chatId },
      ]);
    }
  }

  private async record(event: RunEvent, job: ChatJob): Promise<void> {
    if (event.type === 'step.finished') await this.transcript.step(event, job.messageId);
    else if (event.type === 'run.finished' || event.type === 'run.failed' || event.type === 'run.cancelled') {
      await this.transcript.ended(event, job.messageId);
    }
  }

  private lane(chatId: string): ChatLane {
    let lane = this.lanes.get(chatId);
    if (!lane) {
      lane = new ChatLane(chatId);
      this.lanes.set(chatId, lane);
    }
    return lane;
  }

  private release(lane: ChatLane): void {
    if (lane.idle) this.lanes.delete(lane.chatId);
  }
}
