import { performance } from 'node:perf_hooks';
import type { Counter, Histogram } from 'prom-client';
import type { RunEventBody, RunUsage } from '../agent/run-events';

export interface RunInstruments {
  started: Counter<'agent' | 'protocol'>;
  ended: Counter<'agent' | 'protocol' | 'outcome'>;
  duration: Histogram<'agent' | 'protocol' | 'outcome'>;
  tokens: Counter<'model' | 'type'>;
  toolCalls: Counter<'tool'>;
  toolFailures: Counter<'tool'>;
  /** The tool names labelled so far. */
  toolLabels: Set<string>;
}

/** `suspended`: stopped without an end, to go on elsewhere (a shutdown, or an interactive session going to sleep). */
type Outcome = 'finished' | 'failed' | 'cancelled' | 'suspended';

// Tool names come from the model: an invented one must not grow the label set without bound.
const MAX_TOOL_LABELS = 64;

function toolLabel(toolLabels: Set<string>, name: string): string {
  if (toolLabels.has(name)) return name;
  if (toolLabels.size >= MAX_TOOL_LABELS) return 'other';
  toolLabels.add(name);
  return name;
}

/**
 * One run's metrics, read off the events the engine emits as it emits them. Token deltas only pass the
 * `switch`; counters move at the run's start, per tool result, and once at its end.
 */
export class RunMeter {
  /** Until `run.started` names it; a run that fails before (an unknown agent) stays `unknown`. */
  private agent = 'unknown';
  private startedAt = 0;
  private state: 'new' | 'running' | 'ended' = 'new';

  constructor(
    private readonly instruments: RunInstruments,
    private readonly protocol: string,
  ) {}

  observe(body: RunEventBody): void {
    switch (body.type) {
      case 'run.started':
        this.agent = body.agentId;
        this.begin();
        break;
      case 'tool.result': {
        const tool = toolLabel(this.instruments.toolLabels, body.tool);
        this.instruments.toolCalls.inc({ tool });
        if (!body.ok) this.instruments.toolFailures.inc({ tool });
        break;
      }
      case 'run.finished':
        this.end('finished', body.usage);
        break;
      case 'run.failed':
        this.end('failed', body.usage);
        break;
      case 'run.cancelled':
        this.end('cancelled', body.usage);
        break;
      default:
        break;
    }
  }

  /** The consumer stopped reading before the run's end: the run stopped, so it counts as cancelled. */
  close(): void {
    if (this.state === 'running') this.end('cancelled');
  }

  /** The run stopped to go on later: its part so far ends as `suspended`, and the part that resumes counts anew. */
  suspended(): void {
    if (this.state === 'running') this.end('suspended');
  }

  private begin(): void {
    this.state = 'running';
    this.startedAt = performance.now();
    this.instruments.started.inc({ agent: this.agent, protocol: this.protocol });
  }

  private end(outcome: Outcome, usage?: RunUsage): void {
    if (this.state === 'ended') return;
    // Every end has its start, so started minus ended is what still runs.
    if (this.state === 'new') this.begin();
    this.state = 'ended';
    const labels = { agent: this.agent, protocol: this.protocol, outcome };
    this.instruments.ended.inc(labels);
    this.instruments.duration.observe(labels, (performance.now() - this.startedAt) / 1000);
    if (usage) {
      this.instruments.tokens.inc({ model: usage.model, type: 'input' }, usage.inputTokens);
      this.instruments.tokens.inc({ model: usage.model, type: 'output' }, usage.outputTokens);
    }
  }
}
