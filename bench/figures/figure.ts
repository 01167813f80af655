import type { BenchConfig, FigureName } from '../config';
import type { MockModel } from '../support/mock-model';

/** A goal on the ratio gateway/baseline (`ratio`), or on the gateway's own value (`value`). */
export interface Goal {
  on: 'ratio' | 'value';
  /** `max`: the figure must be at most `limit`; `min`: at least. */
  bound: 'max' | 'min';
  limit: number;
}

/** One line of the table: every run's value for the gateway and, when it has one, for its baseline. */
export interface Row {
  figure: FigureName;
  name: string;
  unit: string;
  gateway: number[];
  baseline?: { name: string; values: number[] };
  goal?: Goal;
  /** Anything the reader needs to trust the number (throughput reached, counts), printed under the table. */
  notes?: string[];
}

export interface BenchContext {
  config: BenchConfig;
  mock: MockModel;
  log(message: string): void;
}

export type Figure = (context: BenchContext) => Promise<Row[]>;

/** Collects the values of the runs under one row name, in the order rows were first created. */
export class RowSet {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly figure: FigureName) {}

  add(name: string, unit: string, value: number, options: { baseline?: string; goal?: Goal } = {}): void {
    const row = this.row(name, unit, options.goal);
    if (options.baseline === undefined) row.gateway.push(value);
    else (row.baseline ??= { name: options.baseline, values: [] }).values.push(value);
  }

  note(name: string, unit: string, text: string): void {
    (this.row(name, unit).notes ??= []).push(text);
  }

  all(): Row[] {
    return [...this.rows.values()];
  }

  private row(name: string, unit: string, goal?: Goal): Row {
    let row = this.rows.get(name);
    if (!row) this.rows.set(name, (row = { figure: this.figure, name, unit, gateway: [] }));
    if (goal) row.goal = goal;
    return row;
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `task` for each item with at most `limit` in flight. */
export async function inParallel<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
