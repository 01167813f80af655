import { describe, expect, it } from 'vitest';
import { FINAL_ANSWER_INSTRUCTION, GREETING_INSTRUCTION, PLANNING_INSTRUCTION } from '../instructions';
import { decide, intentOf } from './builtin-rules';

const ALL = new Set(['calculator', 'contacts', 'knowledge_search', 'send_message', 'current_time', 'request_handoff']);
const view = (request: string, extra: Partial<Parameters<typeof decide>[0]> = {}) => ({ system: '', request, observations: [], ...extra });

describe('the built-in rules', () => {
  it.each([
    ['4x4', { kind: 'tool', name: 'calculator', input: { expression: '4*4' } }],
    ['what is 12 * 7', { kind: 'tool', name: 'calculator', input: { expression: '12 * 7' } }],
    ['get all contacts', { kind: 'tool', name: 'contacts', input: {} }],
    ['find contact alice', { kind: 'tool', name: 'contacts', input: { query: 'alice' } }],
    ['what time is it?', { kind: 'tool', name: 'current_time', input: {} }],
    ['Can I talk to a person?', { kind: 'tool', name: 'request_handoff', input: { reason: 'The user asked: "Can I talk to a person?"' } }],
    ['how long does shipping take', { kind: 'tool', name: 'knowledge_search', input: { query: 'how long does shipping take' } }],
    ['Send a message to Alice Moreau: see you at 3', { kind: 'tool', name: 'send_message', input: { to: 'Alice Moreau', text: 'see you at 3' } }],
    ['send a note to bob saying 2+2 is 4', { kind: 'tool', name: 'send_message', input: { to: 'bob', text: '2+2 is 4' } }],
  ])('%s → %j', (request, decision) => {
    expect(decide(view(request), ALL)).toEqual(decision);
  });

  it('answers arithmetic itself when no calculator is offered', () => {
    expect(decide(view('what is 12 * 7'), new Set())).toEqual({ kind: 'text', text: '12 * 7 = 84' });
  });

  it('greets without searching', () => {
    expect(decide(view('hello!'), ALL)).toMatchObject({ kind: 'text', text: expect.stringMatching(/^Hello!/) as string });
  });

  it.each(['Hello, how can you help me?', 'What can you do?', GREETING_INSTRUCTION])('greets and says what it can do for %j', (request) => {
    const decision = decide(view(request), ALL);
    expect(decision).toMatchObject({ kind: 'text', text: expect.stringMatching(/^Hello! I can do arithmetic, look up contacts/) as string });
  });

  it('says honestly that it cannot check the weather, and what it can do instead', () => {
    const decision = decide(view('What is the weather like today?'), ALL);
    expect(decision).toEqual({ kind: 'text', text: expect.stringMatching(/^I cannot check the weather.*I can do arithmetic/) as string });
  });

  it('says plainly what it is when it has no rule and no tool', () => {
    expect(decide(view('write me a poem'), new Set())).toMatchObject({ text: expect.stringContaining('built-in demo model') as string });
  });

  it('answers from the observations of the turn', () => {
    const observations = [{ toolName: 'calculator', ok: true, value: { expression: '4*4', result: '16' } }];
    expect(decide(view('4x4', { observations }), ALL)).toEqual({ kind: 'text', text: '4*4 = 16. The answer is 16.' });
    const failed = [{ toolName: 'contacts', ok: false, value: 'contacts failed: db down' }];
    expect(decide(view('get all contacts', { observations: failed }), ALL)).toEqual({
      kind: 'text',
      text: 'Sorry, the contacts tool failed: contacts failed: db down',
    });
  });

  it('plans when asked to plan, and answers when told it is out of steps', () => {
    expect(decide(view('get all contacts', { system: PLANNING_INSTRUCTION }), ALL)).toMatchObject({ text: expect.stringMatching(/^Plan:\n1\./) as string });
    expect(decide(view('get all contacts', { system: FINAL_ANSWER_INSTRUCTION }), ALL)).toMatchObject({ kind: 'text' });
  });

  it('does not mistake prose with numbers for arithmetic', () => {
    expect(intentOf('I ordered 3 items on the 12th')).toMatchObject({ kind: 'question' });
  });

  it('fills in an offered action that takes one number with the result (the seed MathProblem)', () => {
    const schemas = new Map([['MathProblem', { type: 'object', properties: { answer: { type: 'integer' } } }]]);
    expect(decide(view('4x4'), new Set(schemas.keys()), schemas)).toEqual({ kind: 'tool', name: 'MathProblem', input: { answer: 16 } });
  });
});
