import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a `--cpu-prof` profile's time went, by package and by function (self time), as BENCHMARKS.md quotes it:
 * `BENCH_PROFILE_DIR=/tmp/prof BENCH_ONLY=token-cpu npm run bench`, then
 * `node dist-bench/bench/profile-summary.js /tmp/prof [rows]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function summarise(profile: Profile, rows: number): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfTime.values()].reduce((sum, time) => sum + time, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
    const label = `${functionName || '(anonymous)'} ${where}:${lineNumber}`;
    byFunction.set(label, (byFunction.get(label) ?? 0) + time);
    const owner = packageOf(url, functionName);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + time);
  }
  const top = (table: Map<string, number>) =>
    [...table]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, time]) => `| ${((100 * time) / total).toFixed(1)}% | ${name} |`)
      .join('\n');
  return `| self time | package |\n| --- | --- |\n${top(byPackage)}\n\n| self time | function |\n| --- | --- |\n${top(byFunction)}`;
}

/** A dependency's name, our own top-level folder (`src/agent`), a Node internal, or V8's own entries. */
function packageOf(url: string, functionName: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const ours = /\/dist\/src\/([^/]+)/.exec(url);
  if (ours) return `src/${ours[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url === '' ? `(${functionName.replace(/[()]/g, '') || 'native'})` : url;
}

const [dir, rows = '25'] = process.argv.slice(2);
if (!dir) throw new Error('usage: node dist-bench/bench/profile-summary.js <profile dir> [rows]');
for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
  console.log(`## ${file}\n\n${summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, Number(rows))}\n`);
}
