import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { Environment } from './environment';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string; connectTimeoutMs: number };

interface JwtClaimRules {
  issuer?: string;
  audience?: string;
  rolesClaim: string;
  clockToleranceS: number;
}

/** `secret` undefined means "development: use the key generated into the data folder". */
export type AuthConfig =
  | (JwtClaimRules & { mode: 'secret'; secret?: string })
  | (JwtClaimRules & { mode: 'jwks'; jwksUri: string; algorithms: string[]; jwks: { refreshIntervalMs: number; maxAgeMs: number } });

/** Which LLM answers; `builtin` is the offline rule-based stand-in. */
export type ModelConfig =
  | { provider: 'builtin'; maxRetries: number }
  | { provider: 'openai' | 'anthropic' | 'openai-compatible'; name: string; baseUrl?: string; apiKey?: string; maxRetries: number; structuredOutputs: boolean };

/** A sustained rate with the burst allowed on top of it. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** What one user may use: sockets and frame rates per instance, queued turns per chat, runs and REST requests everywhere. */
export interface QuotaConfig {
  socketsPerUser: number;
  socketRate: RateLimit;
  userRate: RateLimit;
  closeAfterRefusals: number;
  queuedTurnsPerChat: number;
  runsInFlightPerUser: number;
  rest: { limit: number; windowMs: number };
}

export interface AppConfig {
  env: Environment['NODE_ENV'];
  http: {
    host: string;
    port: number;
    shutdownTimeoutMs: number;
    /** The seed deployment's separate ports (WS 8765, history 8000, REST 8001), each serving everything. */
    legacyPorts: number[];
  };
  dataDir: string;
  database: DatabaseConfig;
  /** Set: instances coordinate through Redis (locks, fan-out, queues); unset: one process, in memory. */
  redis: { url: string } | null;
  coordination: { lockTtlMs: number };
  auth: AuthConfig;
  ws: { maxPayloadBytes: number; heartbeatIntervalMs: number; allowedOrigins: string[] | null };
  /** null: no CORS headers, so browsers only let same-origin pages read REST responses. */
  cors: { origins: string[] | '*' } | null;
  model: ModelConfig;
  /** Limits of one run: its duration, the text it may stream and its model calls. */
  run: { timeoutMs: number; maxOutputChars: number; maxSteps: number };
  /** Tool approval: tools marked by name (beside `needsApproval` in code), and how long a decision may take (0: no limit). */
  approvals: { tools: string[]; timeoutMs: number };
  /** A socket this far behind pauses the run it follows; one behind longer than `graceMs` is closed (1013). */
  backpressure: { highWaterBytes: number; graceMs: number };
  quotas: QuotaConfig;
  /** Null: no spans are exported (the OpenTelemetry API's no-op tracer, unless the process registered its own). */
  tracing: { tracesUrl: string; serviceName: string } | null;
  chat: {
    /** What a `client` message does while the chat already runs one. */
    busyPolicy: Environment['CHAT_BUSY_POLICY'];
    /** What happens to a chat's runs when its last socket goes away. */
    disconnectPolicy: Environment['CHAT_DISCONNECT_POLICY'];
    /** Earlier turns given to the model as context. */
    memoryTurns: number;
  };
  interact: { buckets: string[]; operatorRole: string; debugRole: string };
  /** `inputTimeoutMs` 0: a question without its own timeout waits for its answer as long as it takes. */
  /** `sleepAfterMs`: a question without a timeout waited on this long puts its execution to sleep in the log (0: never). */
  interactive: { basePath: string; inputTimeoutMs: number; sleepAfterMs: number };
  log: { level: Environment['LOG_LEVEL'] };
  /** Null: no /metrics. `port` null: served on PORT (and the legacy ports); `token` null: no token asked. */
  metrics: { token: string | null; port: number | null } | null;
  /** The demo tools (contacts, knowledge_search), their data and the demo interactive routes (/testing/*). */
  demoContent: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

// Values never echoed back in an error message: they may hold credentials.
const SENSITIVE = /SECRET|DATABASE_URL|REDIS_URL|KEY|TOKEN/;

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const defined = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const problems = validateSync(env, { whitelist: false }).flatMap((error) => describe(error, source[error.property]));
  problems.push(...crossFieldProblems(env));
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS, legacyPorts: legacyPorts(env) },
    dataDir,
    database: databaseConfig(env, dataDir),
    redis: env.REDIS_URL ? { url: env.REDIS_URL } : null,
    coordination: { lockTtlMs: env.CHAT_LOCK_TTL_MS },
    auth: authConfig(env),
    ws: {
      maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      heartbeatIntervalMs: env.WS_HEARTBEAT_INTERVAL_MS,
      allowedOrigins: env.ALLOWED_ORIGINS && env.ALLOWED_ORIGINS.length > 0 ? env.ALLOWED_ORIGINS : null,
    },
    cors: env.CORS_ORIGINS && env.CORS_ORIGINS.length > 0 ? { origins: env.CORS_ORIGINS.includes('*') ? '*' : env.CORS_ORIGINS } : null,
    model: modelConfig(env),
    run: { timeoutMs: env.RUN_TIMEOUT_MS, maxOutputChars: env.RUN_MAX_OUTPUT_CHARS, maxSteps: env.RUN_MAX_STEPS },
    approvals: { tools: env.TOOLS_REQUIRING_APPROVAL, timeoutMs: env.APPROVAL_TIMEOUT_MS },
    backpressure: { highWaterBytes: env.WS_SEND_HIGH_WATER_BYTES, graceMs: env.WS_SLOW_CLIENT_GRACE_MS },
    quotas: {
      socketsPerUser: env.WS_MAX_SOCKETS_PER_USER,
      socketRate: { perSecond: env.WS_SOCKET_MESSAGES_PER_SECOND, burst: env.WS_SOCKET_MESSAGE_BURST },
      userRate: { perSecond: env.WS_USER_MESSAGES_PER_SECOND, burst: env.WS_USER_MESSAGE_BURST },
      closeAfterRefusals: env.WS_RATE_CLOSE_AFTER,
      queuedTurnsPerChat: env.CHAT_MAX_QUEUED_TURNS,
      runsInFlightPerUser: env.RUNS_IN_FLIGHT_PER_USER,
      rest: { limit: env.REST_RATE_LIMIT, windowMs: env.REST_RATE_WINDOW_MS },
    },
    tracing: tracingConfig(env),
    chat: { busyPolicy: env.CHAT_BUSY_POLICY, disconnectPolicy: env.CHAT_DISCONNECT_POLICY, memoryTurns: env.CHAT_MEMORY_TURNS },
    interact: { buckets: env.INTERACT_BUCKETS, operatorRole: env.OPERATOR_ROLE, debugRole: env.DEBUG_ROLE },
    interactive: { basePath: env.INTERACTIVE_BASE_PATH, inputTimeoutMs: env.INTERACTIVE_INPUT_TIMEOUT_MS, sleepAfterMs: env.INTERACTIVE_SLEEP_AFTER_MS },
    log: { level: env.LOG_LEVEL },
    metrics: env.METRICS_ENABLED ? { token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null } : null,
    // Demo data has no place in production unless asked for; elsewhere it is what makes the server useful at once.
    demoContent: (env.DEMO_CONTENT ?? (env.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
  };
}

function describe(error: ValidationError, raw: string | undefined): string[] {
  const got = raw !== undefined && !SENSITIVE.test(error.property) ? ` (got "${raw}")` : '';
  // One rule may fail several ways (not an integer, and too large) with the same message: say it once.
  return [...new Set(Object.values(error.constraints ?? {}))].map((message) => `${message}${got}`);
}

function crossFieldProblems(env: Environment): string[] {
  const problems: string[] = [];
  if (env.JWT_SECRET && env.JWKS_URI) {
    problems.push('JWT_SECRET and JWKS_URI are exclusive: set JWT_SECRET for HS256 tokens or JWKS_URI for an identity provider');
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWKS_URI) {
    problems.push('JWT_SECRET (or JWKS_URI) is required when NODE_ENV=production; no development key is generated there');
  }
  if (env.MODEL_PROVIDER === 'openai-compatible' && (!env.MODEL_BASE_URL || !env.MODEL_NAME)) {
    problems.push('MODEL_PROVIDER=openai-compatible needs MODEL_BASE_URL (e.g. http://127.0.0.1:11434/v1) and MODEL_NAME');
  }
  if ((env.MODEL_PROVIDER === 'openai' || env.MODEL_PROVIDER === 'anthropic') && !env.MODEL_API_KEY) {
    problems.push(`MODEL_PROVIDER=${env.MODEL_PROVIDER} needs MODEL_API_KEY`);
  }
  if (env.METRICS_PORT !== undefined && [env.PORT, env.CHAT_WS_PORT, env.HISTORY_PORT, env.REST_PORT].includes(env.METRICS_PORT)) {
    problems.push(`METRICS_PORT must differ from PORT and the legacy ports: it serves /metrics alone (got "${env.METRICS_PORT}")`);
  }
  if (env.CORS_ORIGINS?.includes('*') && env.CORS_ORIGINS.length > 1) {
    problems.push('CORS_ORIGINS is either * (any origin) or a list of origins, not both');
  }
  return problems;
}

const DEFAULT_MODEL_NAMES = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest' } as const;

function modelConfig(env: Environment): ModelConfig {
  const maxRetries = env.MODEL_MAX_RETRIES;
  if (env.MODEL_PROVIDER === 'builtin') return { provider: 'builtin', maxRetries };
  const name = env.MODEL_NAME ?? (env.MODEL_PROVIDER === 'openai-compatible' ? '' : DEFAULT_MODEL_NAMES[env.MODEL_PROVIDER]);
  return { provider: env.MODEL_PROVIDER, name, baseUrl: env.MODEL_BASE_URL, apiKey: env.MODEL_API_KEY, maxRetries, structuredOutputs: env.MODEL_STRUCTURED_OUTPUTS };
}

function tracingConfig(env: Environment): AppConfig['tracing'] {
  const root = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (root === undefined ? undefined : `${root}/v1/traces`);
  return tracesUrl === undefined ? null : { tracesUrl, serviceName: env.OTEL_SERVICE_NAME };
}

function legacyPorts(env: Environment): number[] {
  const ports = [env.CHAT_WS_PORT, env.HISTORY_PORT, env.REST_PORT].filter((port): port is number => port !== undefined);
  return [...new Set(ports)].filter((port) => port !== env.PORT);
}

function databaseConfig(env: Environment, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url === undefined) return { type: 'sqlite', path: resolve(dataDir, 'gateway.sqlite') };
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  return { type: 'postgres', url, connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS };
}

function authConfig(env: Environment): AuthConfig {
  const rules: JwtClaimRules = {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    rolesClaim: env.JWT_ROLES_CLAIM,
    clockToleranceS: env.JWT_CLOCK_TOLERANCE_S,
  };
  if (env.JWKS_URI) {
    const jwks = { refreshIntervalMs: env.JWKS_REFRESH_INTERVAL_MS, maxAgeMs: env.JWKS_MAX_AGE_MS };
    return { ...rules, mode: 'jwks', jwksUri: env.JWKS_URI, algorithms: env.JWT_ALGORITHMS, jwks };
  }
  return { ...rules, mode: 'secret', secret: env.JWT_SECRET };
}
