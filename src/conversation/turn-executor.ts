import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentRunner } from '../agent/engine/agent-runner';
import type { RunEvent } from '../agent/run-events';
import { ChatErrorCode } from '../chat/chat.error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { QueuedTurn } from '../coordination/coordination';
import type { NewLogEvent } from '../history/chat-log';
import { ConversationRepository } from '../history/conversation.repository';
import { RunQuota } from '../quota/run-quota';
import type { ActiveTurn, ConversationLane } from './conversation-lane';
import { ConversationTranscript } from './conversation-transcript';
import { ApprovalGates, SUSPENDED } from './approval-gates';
import type { ResumedRun } from './run-rebuild';
import { StreamPressure, type StreamGate } from './stream-pressure';
import { logEntry, runEventEntry } from './turn-entries';

/** Runs one turn on a lane's writer: the user message, the agent's run, every event into the log. */
@Injectable()
export class TurnExecutor {
  private readonly logger = new Logger('TurnExecutor');

  constructor(
    private readonly runner: AgentRunner,
    private readonly transcript: ConversationTranscript,
    private readonly conversations: ConversationRepository,
    private readonly pressure: StreamPressure,
    private readonly quota: RunQuota,
    private readonly gates: ApprovalGates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(lane: ConversationLane, turn: QueuedTurn): Promise<void> {
    const { writer, chatId } = lane;
    const active: ActiveTurn = { ...turn, controller: new AbortController() };
    lane.active = active;
    const gate = this.pressure.acquire(chatId);
    const running = `turn:${turn.runId}`;
    // Set once the log marks the run in flight: from then on, its end is what clears the marker.
    let marked: string | undefined;
    try {
      await this.quota.refresh(turn.userId, turn.runId);
      const held = (writer.takeOpeningStatus() ?? (await this.conversations.status(chatId))) === 'handoff';
      const { messageId, content, meta } = turn;
      const message = logEntry(turn.runId, { type: 'user.message', payload: meta ? { messageId, content, meta } : { messageId, content } });
      if (held) {
        // A greeting is the agent's to give: with an operator in charge there is nothing to store.
        const entries = turn.greeting ? [] : [message];
        await writer.append([...entries, logEntry(turn.runId, { type: 'turn.held', payload: { messageId } })]);
        return;
      }
      // A greeting has no user message: its run's start marks the turn as running instead.
      if (!turn.greeting) marked = await writer.append([message], running).then(() => running);
      const history = turn.context ?? (await this.transcript.memory(chatId, this.config.chat.memoryTurns, turn.runId));
      const signal = AbortSignal.any([active.controller.signal, writer.signal]);
      const { agentId, greeting, protocol } = turn;
      const approvals = this.gates.deciderFor(chatId, turn.runId);
      const run = this.runner.run({ chatId, runId: turn.runId, agentId, input: content, greeting, history, signal, protocol, approvals });
      // A greeting has no user message: its run's start is stored, with the marker, before the run goes on.
      const greeted = async (entry: NewLogEvent) => void (marked = await writer.append([entry], running).then(() => running));
      await this.record(lane, run, messageId, gate, signal, turn.greeting ? greeted : undefined);
    } catch (error) {
      // Storage failed or the lease was lost: stop the run, and say at once how it ended. The writer has stopped (or
      // stops now), so the lane gives the chat up and the next turn opens a fresh one.
      active.controller.abort('storage failed');
      this.logger.error(`chat ${chatId} message ${turn.messageId} could not be stored`, error instanceof Error ? error.stack : String(error));
      const failure = { code: ChatErrorCode.StorageFailed, message: 'The message could not be stored; please try again' };
      const failed = logEntry(turn.runId, { type: 'run.failed', payload: { error: failure, messageId: turn.messageId } });
      if (!(await writer.appendLastWord([failed], null, marked))) {
        this.logger.warn(`chat ${chatId} message ${turn.messageId}: its end is left to the recovery sweep (run.interrupted)`);
      }
    } finally {
      this.gates.release(turn.runId);
      this.quota.release(turn.userId, turn.runId);
      this.pressure.release(gate);
      lane.active = null;
    }
  }

  /**
   * Continues, on a lane, a run an instance left waiting for an approval when it stopped (see RunRebuild). A failure
   * to store ends the run as in `execute`.
   */
  async resume(lane: ConversationLane, resumed: ResumedRun): Promise<void> {
    const { writer, chatId } = lane;
    // A resumed run may wait days for its approval: the status the writer opened with is no guide to the turns after it.
    writer.takeOpeningStatus();
    const active: ActiveTurn = { messageId: resumed.messageId, runId: resumed.runId, content: '', controller: new AbortController() };
    lane.active = active;
    const gate = this.pressure.acquire(chatId);
    try {
      const signal = AbortSignal.any([active.controller.signal, writer.signal]);
      const approvals = this.gates.deciderFor(chatId, resumed.runId);
      const request = { chatId, runId: resumed.runId, agentId: resumed.agentId, input: '', signal, protocol: 'recovery', approvals };
      await this.record(lane, this.runner.continueRun(request, resumed.resume), resumed.messageId, gate, signal);
    } catch (error) {
      active.controller.abort('storage failed');
      this.logger.error(`chat ${chatId} run ${resumed.runId} could not be stored`, error instanceof Error ? error.stack : String(error));
      const failure = { code: ChatErrorCode.StorageFailed, message: 'The message could not be stored; please try again' };
      const failed = logEntry(resumed.runId, { type: 'run.failed', payload: { error: failure, messageId: resumed.messageId } });
      await writer.appendLastWord([failed], null, `turn:${resumed.runId}`);
    } finally {
      this.gates.release(resumed.runId);
      this.pressure.release(gate);
      lane.active = null;
    }
  }

  /** Every event of a run into the log, each the way it needs: streamed, stored later, or stored before the run goes on. */
  private async record(lane: ConversationLane, run: AsyncGenerator<RunEvent>, messageId: string, gate: StreamGate, signal: AbortSignal, started?: (entry: NewLogEvent) => Promise<void>): Promise<void> {
    const { writer, chatId } = lane;
    for await (const event of run) {
      const entry = runEventEntry(event, messageId);
      // Stopped at shutdown while it waited: nothing is stored, so the log still has it in flight for the next instance.
      if (event.type === 'run.cancelled' && event.reason === SUSPENDED) return;
      if (event.type === 'run.started' && started) await started(entry);
      // Deltas and start markers carry nothing a finished turn needs: sent now, stored with the next batch.
      else if (event.type === 'text.delta' || event.type === 'step.started' || event.type === 'run.started') writer.stream(entry);
      // The turn is durable once its end is: the writer stores in call order, so waiting for the end waits for all.
      else if (event.type === 'run.finished' || event.type === 'run.failed' || event.type === 'run.cancelled') await writer.append([entry], null);
      // Stored before the run goes on: a request must survive a restart, and a call runs only once its decision is kept.
      else if (event.type === 'approval.requested') await writer.append([entry]);
      else if (event.type === 'approval.decided') {
        await writer.append([entry]);
        this.gates.stored(event.approvalId);
      }
      // Stored before anyone sees it, without holding the run up: a failure stops the writer, and so the run.
      else writer.appendLater([entry]);
      if (event.type === 'handoff' && (await this.conversations.transition(chatId, 'active', 'handoff'))) {
        writer.appendLater([logEntry(null, { type: 'status.changed', payload: { status: 'handoff', by: 'agent' } })]);
      }
      // A socket here is behind: the next event is not pulled, so the model's response is not read meanwhile.
      if (gate.paused) await gate.resumed(signal);
    }
  }

  /**
   * Answers a turn without the log: nothing is stored and nobody else sees it (interact's
   * disableRecordHistory). It does not wait for the chat's lane, as it changes nothing there.
   */
  async *unrecorded(chatId: string, request: Omit<QueuedTurn, 'runId' | 'meta'>, signal: AbortSignal): AsyncGenerator<RunEvent> {
    const history = request.context ?? (await this.transcript.memory(chatId, this.config.chat.memoryTurns, ''));
    const { agentId, content, greeting, protocol } = request;
    yield* this.runner.run({ chatId, runId: randomUUID(), agentId, input: content, greeting, history, signal, protocol });
  }
}
