import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Goal, Row } from './figures/figure';
import { spread } from './stats';

/** The ratio of the medians, gateway over baseline; NaN without a baseline. */
export function ratioOf(row: Row): number {
  return row.baseline ? spread(row.gateway).median / spread(row.baseline.values).median : NaN;
}

export function markdownTable(rows: Row[]): string {
  const lines = ['| figure | gateway | baseline | ratio | goal |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const baseline = row.baseline ? `${cell(row.baseline.values, row.unit)} (${row.baseline.name})` : '—';
    const ratio = ratioOf(row);
    lines.push(`| ${row.name} | ${cell(row.gateway, row.unit)} | ${baseline} | ${Number.isNaN(ratio) ? '—' : `${ratio.toFixed(2)}×`} | ${goalCell(row)} |`);
  }
  const notes = rows.flatMap((row) => (row.notes?.length ? [`- ${row.name}: ${row.notes.join('; ')}`] : []));
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** `median (min–max) unit`: the spread shows how far the noise of a shared machine reaches. */
function cell(values: number[], unit: string): string {
  const { median, min, max } = spread(values);
  return values.length > 1 ? `${format(median)} (${format(min)}–${format(max)}) ${unit}` : `${format(median)} ${unit}`;
}

function goalCell(row: Row): string {
  const goal = row.goal;
  if (!goal) return '';
  const actual = goal.on === 'ratio' ? ratioOf(row) : spread(row.gateway).median;
  const met = goal.bound === 'max' ? actual <= goal.limit : actual >= goal.limit;
  return `${describe(goal, row.unit)} ${met ? 'met' : '**missed**'}`;
}

function describe(goal: Goal, unit: string): string {
  return `${goal.bound === 'max' ? '≤' : '≥'} ${goal.limit}${goal.on === 'ratio' ? '×' : ` ${unit}`}`;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** bench/results/<date>-<label>.json, next to the sources (not in dist-bench), so results can be compared later. */
export function writeResults(resultsDir: string, label: string, body: object): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date().toISOString().slice(0, 10)}-${label}.json`);
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
