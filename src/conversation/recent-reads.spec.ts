import { describe, expect, it } from 'vitest';
import type { ConversationTurn } from './conversation-transcript';
import { RecentReads } from './recent-reads';

const turn = (content: string): ConversationTurn => ({ role: 'user', content, at: new Date(0) });
const turnsKept = (budget: number) => new RecentReads<ConversationTurn[]>(budget, (turns) => turns.reduce((sum, kept) => sum + kept.content.length, 0));

describe('RecentReads', () => {
  it('hands back turns read up to a seq only for a read up to that seq or later', () => {
    const recent = turnsKept(1000);
    recent.keep('c1', 10, [turn('hello')]);
    expect(recent.before('c1', 9)).toBeUndefined();
    expect(recent.before('c1', 10)).toEqual({ seq: 10, value: [turn('hello')] });
    expect(recent.before('c1', 42)?.seq).toBe(10);
    expect(recent.before('c2', 42)).toBeUndefined();
  });

  it('keeps the newest read of a conversation, never an older one', () => {
    const recent = turnsKept(1000);
    recent.keep('c1', 20, [turn('a'), turn('b')]);
    recent.keep('c1', 15, [turn('a')]);
    expect(recent.before('c1', 30)?.seq).toBe(20);
  });

  it('stays within its budget of characters, letting the least recently used conversation go first', () => {
    const recent = turnsKept(10);
    recent.keep('c1', 1, [turn('aaaa')]);
    recent.keep('c2', 1, [turn('bbbb')]);
    expect(recent.before('c1', 1)).toBeDefined();
    recent.keep('c3', 1, [turn('cccc')]);
    expect(recent.before('c2', 1)).toBeUndefined();
    expect(recent.before('c1', 1)).toBeDefined();
    expect(recent.before('c3', 1)).toBeDefined();
    // Larger than the whole budget: not kept at all.
    recent.keep('c4', 1, [turn('x'.repeat(11))]);
    expect(recent.before('c4', 1)).toBeUndefined();
  });
});
