import type { RunEvent } from '../../src/agent/run-events';

/** Drains a run into an array (the engine guarantees it ends with exactly one terminal event). */
export async function collect(run: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

export function typesOf(events: RunEvent[]): string[] {
  return events.map((event) => (event.type === 'step.finished' ? `step.finished:${event.stepType}` : event.type));
}

/** The same list with consecutive text deltas folded into one entry, for readable sequence assertions. */
export function outline(events: RunEvent[]): string[] {
  return typesOf(events).filter((type, index, all) => !(type === 'text.delta' && all[index - 1] === 'text.delta'));
}

export function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Array<Extract<RunEvent, { type: T }>> {
  return events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);
}

/** The outline of a turn with one tool-calling step and a streamed answer. */
export const ONE_TOOL_STEP_TURN = [
  'run.started',
  'step.started',
  'tool.call',
  'tool.result',
  'step.finished:ActionStep',
  'step.started',
  'text.delta',
  'step.finished:FinalAnswerStep',
  'run.finished',
];
