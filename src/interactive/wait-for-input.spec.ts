import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputTimeoutError, type ChatInput } from '../agent/actions/interactive-context';
import type { JournalRecord } from '../history/chat-log';
import { InteractiveRuntime, type RuntimeDeps } from './interactive-runtime';
import { RunClock } from '../agent/engine/approvals';
import type { ActionRun } from '../agent/engine/action-run';
import { SessionChannel } from './session-channel';
import { SessionJournal } from './session-journal';

const chat = (message: string): ChatInput => ({ type: 'chat', message, metadata: null });
const step = (kind: JournalRecord['kind'], ordinal: number, data: unknown): JournalRecord => ({ executionId: 'e1', kind, ordinal, data });

/** A runtime over a journal holding `past`, with what it writes and the channel its answers arrive on. */
function runtimeWith(past: Array<JournalRecord & { legacy?: true }>) {
  const written: JournalRecord[] = [];
  const channel = new SessionChannel(past.at(-1)?.kind === 'request');
  const journal = new SessionJournal('e1', past, (record) => Promise.resolve(void written.push(record)));
  const deadline = new RunClock(60_000);
  // waitForInput uses only these of the run; the rest of the context is not exercised here.
  const run: Pick<ActionRun, 'signal' | 'waitForHuman'> = { signal: new AbortController().signal, waitForHuman: (wait) => deadline.offTheClock(wait, true) };
  const deps = { journal, channel, run, defaultTimeoutMs: 0 } as unknown as RuntimeDeps;
  const runtime = new InteractiveRuntime('s1', 'hi', { sub: 'alice', roles: [] }, deps);
  /** Answers once the runtime waits (a macrotask later: it has journaled the question by then). */
  const answer = (message: string) => new Promise<void>((resolve) => setTimeout(() => resolve(void channel.deliver(chat(message))), 10));
  return { runtime, written, answer, done: () => deadline.stop() };
}

describe('waitForInput on replay', () => {
  it('returns the recorded answer when the code asks the same question', async () => {
    const { runtime, written, done } = runtimeWith([step('request', 0, { message: 'Q' }), step('answer', 0, chat('16'))]);
    expect(await runtime.waitForInput({ message: 'Q' })).toEqual(chat('16'));
    expect(written).toEqual([]);
    done();
  });

  it('asks a changed question afresh, under the same ordinal, and does not use the old answer', async () => {
    const { runtime, written, answer, done } = runtimeWith([step('request', 0, { message: 'old Q' }), step('answer', 0, chat('16'))]);
    const asked = runtime.waitForInput({ message: 'new Q' });
    await answer('7');
    expect(await asked).toEqual(chat('7'));
    expect(written).toEqual([step('request', 0, { message: 'new Q' }), step('answer', 0, chat('7'))]);
    done();
  });

  it('a question still waited on from before executions ran as runs is logged again as a run event, its early answer kept', async () => {
    const { runtime, written, answer, done } = runtimeWith([{ ...step('request', 0, { message: 'Q' }), legacy: true }]);
    await answer('early');
    expect(await runtime.waitForInput({ message: 'Q' })).toEqual(chat('early'));
    expect(written).toEqual([step('request', 0, { message: 'Q' }), step('answer', 0, chat('early'))]);
    done();
  });

  it('an answer given early for a question the code no longer asks is dropped', async () => {
    const { runtime, written, answer, done } = runtimeWith([step('request', 0, { message: 'old Q' })]);
    await answer('for the old question');
    const asked = runtime.waitForInput({ message: 'new Q' });
    await answer('for the new one');
    expect(await asked).toEqual(chat('for the new one'));
    expect(written[0]).toEqual(step('request', 0, { message: 'new Q' }));
    done();
  });
});

describe('waitForInput with a timeout', () => {
  it('journals the timeout as the answer: nothing waits any more, and a replay throws it again without waiting', async () => {
    const { runtime, written, done } = runtimeWith([]);
    await expect(runtime.waitForInput({ message: 'Q' }, { timeoutMs: 20 })).rejects.toThrow(InputTimeoutError);
    expect(written).toEqual([step('request', 0, { message: 'Q' }), step('answer', 0, { type: 'timeout', timeoutMs: 20 })]);
    done();

    const replay = runtimeWith(written);
    await expect(replay.runtime.waitForInput({ message: 'Q' }, { timeoutMs: 60_000 })).rejects.toThrow('No answer arrived within 20 ms');
    expect(replay.written).toEqual([]);
    replay.done();
  });
});

describe('waitForInput with a schema', () => {
  const schema = z.object({ message: z.string().regex(/^\d+$/, 'a number, please').transform(Number), metadata: z.unknown() });

  it('asks again with the reason until an answer fits, journaling the refused one; a replay takes the same path', async () => {
    const { runtime, written, answer, done } = runtimeWith([]);
    const asked = runtime.waitForInput({ message: 'Q' }, { schema });
    await answer('sixteen');
    await answer('16');
    expect(await asked).toEqual({ ...chat('16'), value: { message: 16, metadata: null } });
    expect(written).toEqual([
      step('request', 0, { message: 'Q' }),
      step('answer', 0, chat('sixteen')),
      step('request', 1, { message: 'Q', error: { code: 'input.invalid', message: '✖ a number, please\n  → at message' } }),
      step('answer', 1, chat('16')),
    ]);
    done();

    const replay = runtimeWith(written);
    expect(await replay.runtime.waitForInput({ message: 'Q' }, { schema })).toEqual({ ...chat('16'), value: { message: 16, metadata: null } });
    expect(replay.written).toEqual([]);
    replay.done();
  });
});
