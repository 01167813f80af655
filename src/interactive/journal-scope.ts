import type { JournalKind, ScopableKind } from '../agent/journal-ref';
import type { JournalWriter, SessionJournal } from './session-journal';

/**
 * The journal as one branch of the action tree sees it. The execution's own steps are the root scope
 * (`choice`, `notify`…). A child run concurrently with its siblings gets a scope of its own, named by its
 * place in the tree (`0.1`), with its own ordinals (`choice@0.1` 0, 1…): its steps are found again on replay
 * however the siblings' steps interleaved live.
 */
export class JournalScope {
  constructor(
    private readonly journal: SessionJournal,
    readonly path: string | null,
  ) {}

  get executionId(): string {
    return this.journal.executionId;
  }

  /** A concurrent child's scope: questions to the client are not possible there (one question at a time per session). */
  get isolated(): boolean {
    return this.path !== null;
  }

  nested(path: string): JournalScope {
    return new JournalScope(this.journal, path);
  }

  kind(base: ScopableKind): JournalKind {
    return this.path === null ? base : `${base}@${this.path}`;
  }

  take(base: ScopableKind): number {
    return this.journal.take(this.kind(base));
  }

  has(base: ScopableKind, ordinal: number): boolean {
    return this.journal.has(this.kind(base), ordinal);
  }

  get<T>(base: ScopableKind, ordinal: number): T {
    return this.journal.get<T>(this.kind(base), ordinal);
  }

  write(base: ScopableKind, ordinal: number, data: unknown, logged?: JournalWriter): Promise<void> {
    return this.journal.write(this.kind(base), ordinal, data, logged);
  }
}
