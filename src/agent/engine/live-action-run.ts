import type { z } from 'zod';
import type { ModelTurn } from '../models/turn-streamer';
import type { RunEventBody } from '../run-events';
import type { ActionModelCall, ActionRun, EmitQueue, ObjectCall } from './action-run';
import type { RunClock } from './approvals';

/** The part of the runner's state an action run reads. */
export interface ActionRunState {
  readonly step: number;
  readonly signal: AbortSignal;
  readonly clock: RunClock;
}

/** The runner's model calls for an action run, each one step of it. */
export interface ActionRunModel {
  complete(call: ActionModelCall): Promise<ModelTurn>;
  generateObject<Schema extends z.ZodType>(call: ObjectCall<Schema>): Promise<{ object: z.output<Schema>; inputTokens: number; outputTokens: number }>;
}

/** An ActionRun over the runner's state: the one object an interactive execution's code reaches the engine through. */
export class LiveActionRun implements ActionRun {
  /** The last answer the code gave the user (`addMessage('assistant', …)`): the run's answer. */
  answer = '';

  constructor(
    readonly runId: string,
    private readonly state: ActionRunState,
    private readonly queue: EmitQueue,
    private readonly model: ActionRunModel,
  ) {}

  get signal(): AbortSignal {
    return this.state.signal;
  }

  get step(): number {
    return this.state.step;
  }

  async emit(body: RunEventBody): Promise<void> {
    this.state.signal.throwIfAborted();
    await this.queue.push(body);
    if (body.type === 'step.finished' && body.stepType === 'FinalAnswerStep') this.answer = body.content;
  }

  complete(call: ActionModelCall): Promise<ModelTurn> {
    this.state.signal.throwIfAborted();
    return this.model.complete(call);
  }

  generateObject<Schema extends z.ZodType>(call: ObjectCall<Schema>): Promise<{ object: z.output<Schema>; inputTokens: number; outputTokens: number }> {
    this.state.signal.throwIfAborted();
    return this.model.generateObject(call);
  }

  waitForHuman<T>(wait: Promise<T>): Promise<T> {
    return this.state.clock.offTheClock(wait, true);
  }
}
