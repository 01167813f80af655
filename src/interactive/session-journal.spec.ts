import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../history/chat-log';
import { SessionJournal } from './session-journal';

const step = (kind: JournalRecord['kind'], ordinal: number, data: unknown): JournalRecord => ({ executionId: 'e1', kind, ordinal, data });
const OLD_FLOW = [
  step('choice', 0, { kind: 'action', name: 'MathProblem' }),
  step('request', 0, { message: 'old question' }),
  step('answer', 0, { type: 'chat', message: '16', metadata: null }),
  step('notify', 0, { message: "You're Correct!" }),
  step('request', 1, { message: 'another?' }),
];

describe('SessionJournal', () => {
  it('replays what was recorded, by kind and ordinal', () => {
    const journal = new SessionJournal('e1', OLD_FLOW, () => Promise.resolve());
    expect(journal.get('request', 0)).toEqual({ message: 'old question' });
    expect(journal.has('answer', 0)).toBe(true);
    expect(journal.has('request', 1)).toBe(true);
  });

  it('a step written again under its ordinal supersedes it and forgets everything recorded after it', async () => {
    const written: JournalRecord[] = [];
    const journal = new SessionJournal('e1', OLD_FLOW, (record) => Promise.resolve(void written.push(record)));
    await journal.write('request', 0, { message: 'new question' });
    expect(written).toEqual([step('request', 0, { message: 'new question' })]);
    expect(journal.get('request', 0)).toEqual({ message: 'new question' });
    expect(['answer', 'notify', 'request'].map((kind, index) => journal.has(kind as JournalRecord['kind'], index === 2 ? 1 : 0))).toEqual([false, false, false]);
    expect(journal.has('choice', 0)).toBe(true);
  });

  it('loading the log with the superseding step gives the journal the live execution had', () => {
    const journal = new SessionJournal('e1', [...OLD_FLOW, step('request', 0, { message: 'new question' }), step('answer', 0, { type: 'chat', message: '7', metadata: null })], () =>
      Promise.resolve(),
    );
    expect(journal.get('request', 0)).toEqual({ message: 'new question' });
    expect(journal.get('answer', 0)).toEqual({ type: 'chat', message: '7', metadata: null });
    expect(journal.has('notify', 0)).toBe(false);
    expect(journal.has('request', 1)).toBe(false);
  });
});
