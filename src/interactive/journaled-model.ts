import type { ModelMessage } from 'ai';
import type { z } from 'zod';
import { chooseActions, turnUsage, type ActionChoice, type ChoiceRequest } from '../agent/actions/action-chooser';
import type { ActionLlm } from '../agent/actions/action-llm';
import { addUsage, type ActionUsage } from '../agent/actions/action-usage';
import { AgentError, type AgentErrorCode } from '../agent/agent.error';
import type { ActionRun } from '../agent/engine/action-run';
import type { ScopableKind } from '../agent/journal-ref';
import { CodedError } from '../common/coded-error';
import type { JournalScope } from './journal-scope';

type RecordedFailure = { kind: 'error'; error: { code: string; message: string } };

/**
 * The run's model as an execution's actions use it: each call is a step of the run and is journaled, so a replay
 * gets the recorded result (or the recorded failure, rethrown) without asking the model again.
 */
export class JournaledModel {
  constructor(
    private readonly run: ActionRun,
    private readonly assertLive: () => void,
  ) {}

  choose(scope: JournalScope, request: () => Promise<ChoiceRequest>): Promise<ActionChoice> {
    return this.recorded(scope, 'choice', async () => chooseActions(this.run, await request()));
  }

  /** `usage`: the action the tokens count for. */
  llm(scope: JournalScope, usage: ActionUsage): ActionLlm {
    return {
      generateText: async (input, options) => {
        const record = await this.recorded(scope, 'llm', async () => {
          const turn = await this.run.complete({ system: options?.system, messages: asMessages(input), tools: [] });
          return { text: turn.text, usage: turnUsage(turn) };
        });
        addUsage(usage, record.usage);
        return record.text;
      },
      generateObject: async <Schema extends z.ZodType>(schema: Schema, input: string | ModelMessage[], options?: { system?: string }) => {
        const record = await this.recorded(scope, 'llm', async () => {
          const result = await this.run.generateObject({ schema, system: options?.system, messages: asMessages(input) });
          return { object: result.object as unknown, usage: turnUsage(result) };
        });
        addUsage(usage, record.usage);
        return record.object as z.output<Schema>;
      },
    };
  }

  /**
   * A failure is recorded too, so an `onError` that recovered from it takes the same path on replay. A call cut
   * off by the run's end (cancelled, out of time, suspended) records nothing: it is redone if the run resumes.
   */
  private async recorded<T>(scope: JournalScope, kind: ScopableKind, live: () => Promise<T>): Promise<T> {
    this.assertLive();
    const ordinal = scope.take(kind);
    if (scope.has(kind, ordinal)) {
      const data = scope.get<T | RecordedFailure>(kind, ordinal);
      if (isFailure(data)) throw new AgentError(data.error.code as AgentErrorCode, data.error.message);
      return data;
    }
    let value: T;
    try {
      value = await live();
    } catch (error) {
      if (!this.run.signal.aborted && error instanceof CodedError) {
        const failure: RecordedFailure = { kind: 'error', error: { code: String(error.code), message: error.message } };
        await scope.write(kind, ordinal, failure);
      }
      throw error;
    }
    this.assertLive();
    await scope.write(kind, ordinal, value);
    return value;
  }
}

function asMessages(input: string | ModelMessage[]): ModelMessage[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : input;
}

function isFailure(data: unknown): data is RecordedFailure {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'error';
}
