import { resolve } from 'node:path';

/** Every figure `BENCH_ONLY` may name; the order is the order they run in. */
export const FIGURE_NAMES = ['token-cpu', 'latency', 'turn', 'idle', 'opens', 'rest'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

/** Sizes of the loads. QUICK shrinks them so a whole run is a smoke test of a minute or two, not a measurement. */
export interface Sizes {
  /** Seconds of the CPU window per token-cpu measurement, after a warm-up of a second. */
  tokenWindowS: number;
  tokensPerReply: number;
  /** Concurrent streams of the "many" token-cpu case. */
  manyStreams: number;
  /** Paced streams × tokens/s, and the length of the paced reply in seconds (the first 2 s are not counted). */
  latencyLoads: Array<{ streams: number; rate: number }>;
  latencyReplyS: number;
  turnChats: number;
  turnsPerChat: number;
  idleSockets: number;
  opensWindowS: number;
  opensInFlight: number;
  restConnections: number;
  restDurationS: number;
}

export interface BenchConfig {
  runs: number;
  only: FigureName[];
  quick: boolean;
  label: string;
  /** The checkout whose dist/src/main.js is the server under test. */
  serverDir: string;
  /** Where the harness itself lives: the baselines are compiled next to run.js. */
  benchDir: string;
  /** PostgreSQL server for the turn figure's second variant; empty skips it. */
  postgresUrl: string;
  /** When set, the gateway runs with `--cpu-prof` and writes one profile per start here. */
  profileDir: string;
  sizes: Sizes;
}

const FULL: Sizes = {
  tokenWindowS: 3,
  tokensPerReply: 2000,
  manyStreams: 100,
  latencyLoads: [
    { streams: 100, rate: 20 },
    { streams: 1000, rate: 5 },
  ],
  latencyReplyS: 10,
  turnChats: 20,
  // 500 measured turns: about 2.5 s of server CPU, so that one busy second of the VM moves the figure less.
  turnsPerChat: 25,
  idleSockets: 10000,
  opensWindowS: 3,
  opensInFlight: 50,
  restConnections: 50,
  restDurationS: 5,
};

const QUICK: Sizes = {
  tokenWindowS: 1,
  tokensPerReply: 300,
  manyStreams: 10,
  latencyLoads: [
    { streams: 10, rate: 20 },
    { streams: 50, rate: 5 },
  ],
  latencyReplyS: 4,
  turnChats: 4,
  turnsPerChat: 3,
  idleSockets: 300,
  opensWindowS: 1,
  opensInFlight: 10,
  restConnections: 10,
  restDurationS: 1,
};

export function readConfig(env: NodeJS.ProcessEnv, benchDir: string, repoDir: string): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const runs = Number(env.BENCH_RUNS ?? (quick ? 1 : 3));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a whole number ≥ 1 (got "${env.BENCH_RUNS}")`);
  return {
    runs,
    only: parseOnly(env.BENCH_ONLY),
    quick,
    label: env.BENCH_LABEL ?? (quick ? 'quick' : 'current'),
    serverDir: resolve(env.BENCH_SERVER_DIR ?? repoDir),
    benchDir,
    postgresUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    profileDir: env.BENCH_PROFILE_DIR ? resolve(env.BENCH_PROFILE_DIR) : '',
    sizes: quick ? QUICK : FULL,
  };
}

function parseOnly(value: string | undefined): FigureName[] {
  if (!value) return [...FIGURE_NAMES];
  const names = value.split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!(FIGURE_NAMES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: unknown figure "${name}" (known: ${FIGURE_NAMES.join(', ')})`);
  }
  return FIGURE_NAMES.filter((name) => names.includes(name));
}
