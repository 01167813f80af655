/**
 * Interactive executions replay their effects from their own run events: an event that records a step carries
 * where the step sits in the execution (`kind` and `ordinal`), so a resume after a restart finds it again.
 */
export type ScopableKind = 'choice' | 'notify' | 'message' | 'llm' | 'call' | 'result';

/** Inside a concurrent child its own steps carry its scope: `llm@0.1` (see docs/actions.md, concurrency). */
export type JournalKind = ScopableKind | 'request' | 'answer' | `${ScopableKind}@${string}`;

export interface JournalRef {
  kind: JournalKind;
  /** 0, 1, 2, … per kind within the execution, in call order: how a replay finds what was recorded. */
  ordinal: number;
  /** What the step returned, for steps whose event does not carry it in its own fields (model calls). */
  data?: unknown;
}

/** `notify@0.1` → `notify`: what a step is, whichever scope recorded it. */
export function baseKind(kind: JournalKind): string {
  return kind.split('@')[0]!;
}
