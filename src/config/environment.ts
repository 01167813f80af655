import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MinLength,
  Min,
  ValidateIf,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;
/** An integer variable within bounds; the message names the variable and the range it expects. */
function IntRange(min: number, max: number, { optional = false } = {}): PropertyDecorator {
  return (target, key) => {
    const message = `${String(key)} must be an integer from ${min} to ${max}`;
    Transform(toInt)(target, key);
    if (optional) IsOptional()(target, key);
    IsInt({ message })(target, key);
    Min(min, { message })(target, key);
    Max(max, { message })(target, key);
  };
}
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
// Anything else stays a string, which IsBoolean then refuses with the variable's name.
const toBool = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  return value;
};

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const MODEL_PROVIDERS = ['builtin', 'openai', 'anthropic', 'openai-compatible'] as const;
export const BUSY_POLICIES = ['enqueue', 'reject', 'interrupt'] as const;
export const DISCONNECT_POLICIES = ['finish', 'cancel'] as const;
export const DEMO_CONTENT_SWITCH = ['on', 'off'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/**
 * Every environment variable the server reads, with its rule. The README table mirrors this class;
 * `loadConfig` turns a validated instance into the typed `AppConfig` the rest of the code sees.
 */
export class Environment {
  @IsIn(NODE_ENVS, { message: 'NODE_ENV must be one of: development, production, test' })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(blankToUndefined)
  @IsString()
  HOST = '127.0.0.1';

  @IntRange(0, 65535)
  PORT = 8000;

  @Transform(blankToUndefined)
  @IsString()
  DATA_DIR = './data';

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database',
  })
  DATABASE_URL?: string;

  @IntRange(100, 120000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/, { message: 'REDIS_URL must be redis://[user:password@]host:port[/db] (or rediss:// for TLS)' })
  REDIS_URL?: string;

  /** How long a chat's run lock outlives an instance that stopped renewing it (crashed or cut off). */
  @IntRange(1000, 600000)
  CHAT_LOCK_TTL_MS = 10000;

  @Transform(blankToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'JWKS_URI must be an http(s) URL of a JSON Web Key Set' },
  )
  JWKS_URI?: string;

  /** With JWKS_URI: the least time between two fetches of the key set (an unknown kid waits for the next one). */
  @IntRange(100, 3600000)
  JWKS_REFRESH_INTERVAL_MS = 10000;

  /** With JWKS_URI: how long a fetched key set is used before it is fetched again; kept while the provider is down. */
  @IntRange(1000, 86400000)
  JWKS_MAX_AGE_MS = 600000;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(toList)
  @ValidateIf((env: Environment) => env.JWKS_URI !== undefined)
  @IsIn(JWKS_ALGORITHMS, { each: true, message: `JWT_ALGORITHMS must list algorithms from: ${JWKS_ALGORITHMS.join(', ')}` })
  JWT_ALGORITHMS: string[] = ['RS256', 'ES256'];

  @Transform(blankToUndefined)
  @IsString()
  @Matches(/^[\w.:/-]+$/, { message: 'JWT_ROLES_CLAIM must be a claim name (letters, digits, . _ : / -)' })
  JWT_ROLES_CLAIM = 'roles';

  @IntRange(0, 600)
  JWT_CLOCK_TOLERANCE_S = 30;

  @Transform(toList)
  @IsOptional()
  @Matches(/^https?:\/\/[^/\s]+$/, { each: true, message: 'ALLOWED_ORIGINS must list origins like https://app.example.com' })
  ALLOWED_ORIGINS?: string[];

  /** Browser pages (origins) allowed to call the REST API; `*` alone allows any. */
  @Transform(toList)
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^/\s]+)$/, { each: true, message: 'CORS_ORIGINS must list origins like https://app.example.com, or be *' })
  CORS_ORIGINS?: string[];

  @IntRange(1024, 16777216)
  WS_MAX_PAYLOAD_BYTES = 65536;

  @IntRange(100, 600000)
  WS_HEARTBEAT_INTERVAL_MS = 30000;

  @IntRange(0, 120000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  @Transform(blankToUndefined)
  @IsIn(MODEL_PROVIDERS, { message: `MODEL_PROVIDER must be one of: ${MODEL_PROVIDERS.join(', ')}` })
  MODEL_PROVIDER: (typeof MODEL_PROVIDERS)[number] = 'builtin';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  MODEL_NAME?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'MODEL_BASE_URL must be an http(s) URL such as http://127.0.0.1:11434/v1' },
  )
  MODEL_BASE_URL?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  MODEL_API_KEY?: string;

  @IntRange(0, 10)
  MODEL_MAX_RETRIES = 2;

  /**
   * Whether an OpenAI-compatible server is sent a typed object's JSON schema (`response_format: json_schema`); off,
   * it is asked for any JSON object (`json_object`) and the answer is still checked against the schema.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'MODEL_STRUCTURED_OUTPUTS must be true or false' })
  MODEL_STRUCTURED_OUTPUTS = true;

  @IntRange(1000, 3600000)
  RUN_TIMEOUT_MS = 120000;

  /** Text a run's model calls may stream, all steps together; past it the run fails with run.output_too_large. */
  @IntRange(1000, 100000000)
  RUN_MAX_OUTPUT_CHARS = 1000000;

  /** Model calls (steps) one run may make, planning included: the server's limit above each agent's maxSteps. */
  @IntRange(1, 1000)
  RUN_MAX_STEPS = 50;

  /** Tools (by name, any agent's) whose every call waits for the user's approval, beside those marked in code. */
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^[\w.-]{1,64}$/, { each: true, message: 'TOOLS_REQUIRING_APPROVAL must list tool names (letters, digits, _ . -)' })
  TOOLS_REQUIRING_APPROVAL: string[] = [];

  /** How long a tool call waits for its approval before it counts as rejected; 0: as long as the run lives. */
  @IntRange(0, 2592000000)
  APPROVAL_TIMEOUT_MS = 0;

  /** Bytes a socket may have waiting to be sent before the run streaming to it pauses (backpressure). */
  @IntRange(16384, 67108864)
  WS_SEND_HIGH_WATER_BYTES = 1048576;

  /** How long a socket may stay over WS_SEND_HIGH_WATER_BYTES before it is closed with 1013. */
  @IntRange(100, 600000)
  WS_SLOW_CLIENT_GRACE_MS = 10000;

  /** Open WebSocket connections one user may hold on one instance; more are refused with 429 quota.too_many_sockets. */
  @IntRange(1, 100000)
  WS_MAX_SOCKETS_PER_USER = 50;

  /** Frames per second one socket may send, sustained; WS_SOCKET_MESSAGE_BURST more may come at once. */
  @IntRange(1, 100000)
  WS_SOCKET_MESSAGES_PER_SECOND = 10;

  @IntRange(1, 100000)
  WS_SOCKET_MESSAGE_BURST = 30;

  /** Frames per second one user may send over all their sockets on an instance, sustained; the burst as above. */
  @IntRange(1, 1000000)
  WS_USER_MESSAGES_PER_SECOND = 30;

  @IntRange(1, 1000000)
  WS_USER_MESSAGE_BURST = 90;

  /** Frames refused for rate in a row (without the socket going quiet) before it is closed with 1008. */
  @IntRange(1, 100000)
  WS_RATE_CLOSE_AFTER = 50;

  /** Messages that may wait behind a chat's running turn; one more is refused with quota.queue_full. */
  @IntRange(1, 10000)
  CHAT_MAX_QUEUED_TURNS = 20;

  /** Turns one user may have accepted and not yet ended, over all their chats and REST runs (all instances). */
  @IntRange(1, 100000)
  RUNS_IN_FLIGHT_PER_USER = 20;

  /** REST requests one user (or, without a valid token, one address) may make per REST_RATE_WINDOW_MS. */
  @IntRange(1, 10000000)
  REST_RATE_LIMIT = 600;

  @IntRange(1000, 3600000)
  REST_RATE_WINDOW_MS = 60000;

  /** The OTLP/HTTP collector root; traces go to `{endpoint}/v1/traces`. Unset (with the next one): no tracing. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318' },
  )
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The traces URL itself, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT, as in every OpenTelemetry SDK. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318/v1/traces' },
  )
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @Transform(blankToUndefined)
  @IsString()
  OTEL_SERVICE_NAME = 'agent-gateway';

  @IntRange(1, 65535, { optional: true })
  CHAT_WS_PORT?: number;

  @IntRange(1, 65535, { optional: true })
  HISTORY_PORT?: number;

  @IntRange(1, 65535, { optional: true })
  REST_PORT?: number;

  @Transform(blankToUndefined)
  @Matches(/^(\/[\w.-]+)+$/, { message: 'INTERACTIVE_BASE_PATH must be a path such as /base' })
  INTERACTIVE_BASE_PATH = '/base';

  /** How long a `waitForInput` without its own `timeoutMs` waits; 0 (the default): as long as it takes, restarts included. */
  @IntRange(0, 86400000)
  INTERACTIVE_INPUT_TIMEOUT_MS = 0;

  /** A session waiting this long on a question without a timeout leaves memory and sleeps in the log; 0: never. */
  @IntRange(0, 86400000)
  INTERACTIVE_SLEEP_AFTER_MS = 600000;

  @Transform(toList)
  @Matches(/^[\w().:-]{1,64}$/, { each: true, message: 'INTERACT_BUCKETS must list bucket names (letters, digits, ( ) . : _ -)' })
  INTERACT_BUCKETS: string[] = ['(default)', 'voiceglow-eu'];

  @Transform(blankToUndefined)
  @Matches(/^[\w.:-]{1,64}$/, { message: 'OPERATOR_ROLE must be a role name' })
  OPERATOR_ROLE = 'operator';

  @Transform(blankToUndefined)
  @Matches(/^[\w.:-]{1,64}$/, { message: 'DEBUG_ROLE must be a role name' })
  DEBUG_ROLE = 'debug';

  @Transform(blankToUndefined)
  @IsIn(BUSY_POLICIES, { message: `CHAT_BUSY_POLICY must be one of: ${BUSY_POLICIES.join(', ')}` })
  CHAT_BUSY_POLICY: (typeof BUSY_POLICIES)[number] = 'enqueue';

  @Transform(blankToUndefined)
  @IsIn(DISCONNECT_POLICIES, { message: `CHAT_DISCONNECT_POLICY must be one of: ${DISCONNECT_POLICIES.join(', ')}` })
  CHAT_DISCONNECT_POLICY: (typeof DISCONNECT_POLICIES)[number] = 'finish';

  @IntRange(0, 200)
  CHAT_MEMORY_TURNS = 20;

  /** Unset: on, except when NODE_ENV=production (see loadConfig). */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(DEMO_CONTENT_SWITCH, { message: 'DEMO_CONTENT must be on or off' })
  DEMO_CONTENT?: (typeof DEMO_CONTENT_SWITCH)[number];

  @Transform(toBool)
  @IsBoolean({ message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED = true;

  /** When set, a scrape must send it as a Bearer token. */
  @Transform(blankToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters long' })
  METRICS_TOKEN?: string;

  /** When set, /metrics is served on this port alone (and not on PORT). */
  @IntRange(1, 65535, { optional: true })
  METRICS_PORT?: number;

  @Transform(blankToUndefined)
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}
