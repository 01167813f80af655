/**
 * `npm run bench`: the gateway's costs next to what the same work costs without it.
 *
 * Method. The server under test (`$BENCH_SERVER_DIR/dist/src/main.js`, default this checkout, so an older build
 * can be measured by the same harness) runs as a process of its own pinned to core 0; this process (the mock
 * model, every client, autocannon) is pinned to core 1, so load generation never steals the server's CPU.
 * Server CPU comes from /proc/<pid>/stat and memory from /proc/<pid>/status, read around windows of seconds.
 * Each figure is compared with a baseline measured in the same invocation, started the same way on core 0
 * and never alongside the gateway: a bare `ws` relay of the same mock (and one through the AI SDK), a `ws`
 * server that does nothing, the raw database driver, or the gateway's own `GET /health`. Every figure is
 * measured BENCH_RUNS times (default 3; runs alternate between gateway and baselines so a noisy neighbour
 * hits both) and printed as median (min–max) with the ratio of the medians and the figure's goal.
 *
 * Environment: BENCH_RUNS, BENCH_ONLY=<figures, comma-separated>, BENCH_QUICK=1 (small counts: a smoke test),
 * BENCH_LABEL (names bench/results/<date>-<label>.json), BENCH_SERVER_DIR, BENCH_POSTGRES_URL (an admin URL
 * where the turn figure creates and drops its databases; unreachable skips the PostgreSQL variant).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readConfig, type FigureName } from './config';
import type { Figure, Row } from './figures/figure';
import { idle } from './figures/idle';
import { latency } from './figures/latency';
import { opens } from './figures/opens';
import { rest } from './figures/rest';
import { tokenCpu } from './figures/token-cpu';
import { turn } from './figures/turn';
import { markdownTable, writeResults } from './report';
import { MockModel } from './support/mock-model';
import { PINNED, pinLoadGenerator } from './support/pinned-process';

const FIGURES: Record<FigureName, Figure> = { 'token-cpu': tokenCpu, latency, turn, idle, opens, rest };

async function main(): Promise<void> {
  // run.js is dist-bench/bench/run.js: the checkout is two levels up.
  const repoDir = join(__dirname, '..', '..');
  const config = readConfig(process.env, __dirname, repoDir);
  const main = join(config.serverDir, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build BENCH_SERVER_DIR first (npm run build)`);
  pinLoadGenerator();
  const started = Date.now();
  const log = (message: string): void => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  log(`server ${main}, ${config.runs} run(s), figures ${config.only.join(', ')}${config.quick ? ', QUICK' : ''}`);
  if (!PINNED) log('fewer than 2 cores: nothing is pinned and the load generator competes with the server');

  const mock = await new MockModel().start();
  const rows: Row[] = [];
  const failures: Array<{ figure: FigureName; error: string }> = [];
  try {
    for (const name of config.only) {
      log(`— ${name}`);
      try {
        rows.push(...(await FIGURES[name]({ config, mock, log })));
      } catch (error) {
        // One broken figure must not cost the others' numbers.
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ figure: name, error: text });
        log(`${name} failed: ${text}`);
      }
    }
  } finally {
    await mock.stop();
  }

  const table = markdownTable(rows);
  const machine = { cores: availableParallelism(), pinned: PINNED, node: process.version };
  const file = writeResults(join(repoDir, 'bench', 'results'), config.label, {
    label: config.label,
    date: new Date().toISOString(),
    serverDir: config.serverDir,
    runs: config.runs,
    quick: config.quick,
    machine,
    sizes: config.sizes,
    durationS: Math.round((Date.now() - started) / 1000),
    rows,
    failures,
  });
  console.log(`\n${table}\n\n${failures.length ? `FAILED: ${failures.map((f) => f.figure).join(', ')}\n` : ''}results: ${file}`);
  if (failures.length) process.exitCode = 1;
}

// Exit explicitly: a keep-alive socket to a stopped server must not hold the harness open.
main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
