import { describe, expect, it } from 'vitest';
import { AgentErrorCode } from '../agent/agent.error';
import type { ChatLogEntry, LogEvent } from '../history/chat-log';
import { CLOSE_DONE, CLOSE_FAILED, framesFor, InteractiveErrorCode } from './interactive.protocol';

const logged = (entry: ChatLogEntry, runId = 'e1', seq = 7): LogEvent => ({ ...entry, chatId: 's1', seq, runId, createdAt: new Date(0) });
const failed = (code: string, message: string) => logged({ type: 'run.failed', payload: { error: { code, message }, messageId: 'e1' } });

describe('the interactive protocol', () => {
  it('sends questions and notifications as the action gave them, with seq; a non-object payload under `data`', () => {
    const question = logged({ type: 'input.requested', payload: { step: 1, requestId: 'e1:0', payload: { message: 'Q?' }, messageId: 'e1' } });
    expect(framesFor(question, 'e1')).toEqual({ frames: [{ message: 'Q?', seq: 7 }], close: null });
    const notice = logged({ type: 'notify', payload: { step: 1, payload: ['a', 'b'], messageId: 'e1' } });
    expect(framesFor(notice, 'e1')).toEqual({ frames: [{ data: ['a', 'b'], seq: 7 }], close: null });
  });

  it('sends nothing for the rest of the run: steps, action calls, answers, the user message', () => {
    const quiet: ChatLogEntry[] = [
      { type: 'run.started', payload: { agentId: 'assistant', input: '4x4', route: '/base/testing/interactive', messageId: 'e1' } },
      { type: 'step.finished', payload: { step: 1, stepType: 'ActionStep', content: 'Chose MathProblem', messageId: 'e1' } },
      { type: 'tool.call', payload: { step: 1, callId: 'c', tool: 'MathProblem', args: {}, messageId: 'e1' } },
      { type: 'input.received', payload: { step: 1, requestId: 'e1:0', input: { type: 'chat', message: '16' }, messageId: 'e1' } },
      { type: 'user.message', payload: { messageId: 'e1', content: '4x4' } },
    ];
    for (const entry of quiet) expect(framesFor(logged(entry), 'e1')).toEqual({ frames: [], close: null });
  });

  it("closes on its own execution's end only", () => {
    const finished = logged({ type: 'run.finished', payload: { answer: '', messageId: 'e1' } });
    expect(framesFor(finished, 'e1')).toEqual({ frames: [], close: CLOSE_DONE });
    expect(framesFor(logged({ type: 'run.finished', payload: { answer: '', messageId: 'e0' } }, 'e0'), 'e1')).toEqual({ frames: [], close: null });
  });

  it.each([
    [AgentErrorCode.Internal, 'boom at line 3', InteractiveErrorCode.ActionFailed, 'The interactive agent failed; the server log has the details'],
    [AgentErrorCode.InputTimeout, 'No answer arrived within 300 ms', InteractiveErrorCode.InputTimeout, 'No answer arrived within 300 ms'],
    [AgentErrorCode.RunTimeout, 'worked longer', InteractiveErrorCode.RunTimeout, 'worked longer'],
    [AgentErrorCode.OutputTooLarge, 'too long', InteractiveErrorCode.OutputTooLarge, 'too long'],
    [AgentErrorCode.ProviderRateLimited, 'slow down', 'model.rate_limited', 'slow down'],
    ['database.unavailable', 'The database is unavailable', 'database.unavailable', 'The database is unavailable'],
  ])('a run failed with %s is an error frame %s, then 1011', (code, message, wireCode, wireMessage) => {
    expect(framesFor(failed(code, message), 'e1')).toEqual({ frames: [{ event: 'error', data: { code: wireCode, message: wireMessage }, seq: 7 }], close: CLOSE_FAILED });
  });

  it('replays what was logged before executions ran as runs', () => {
    const question = logged({ type: 'journal', payload: { executionId: 'e1', kind: 'request', ordinal: 0, data: { message: 'Q?' } } });
    expect(framesFor(question, 'e1').frames).toEqual([{ message: 'Q?', seq: 7 }]);
    const end = logged({ type: 'session.finished', payload: { executionId: 'e1', outcome: 'failed', error: { code: 'action.failed', message: 'x' } } });
    expect(framesFor(end, 'e1')).toEqual({ frames: [{ event: 'error', data: { code: 'action.failed', message: 'x' }, seq: 7 }], close: CLOSE_FAILED });
  });
});
