import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults: SQLite under ./data, port 8000, HS256 with a generated development key', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8000, shutdownTimeoutMs: 10000, legacyPorts: [] });
    expect(config.database).toEqual({ type: 'sqlite', path: resolve('data/gateway.sqlite') });
    expect(config.auth).toMatchObject({ mode: 'secret', secret: undefined, rolesClaim: 'roles', clockToleranceS: 30 });
    expect(config.ws).toEqual({ maxPayloadBytes: 65536, heartbeatIntervalMs: 30000, allowedOrigins: null });
  });

  it('reads sqlite: and postgres:// database URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x/y.sqlite' }).database).toEqual({ type: 'sqlite', path: '/tmp/x/y.sqlite' });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/agw', DATABASE_CONNECT_TIMEOUT_MS: '2500' }).database).toEqual({
      type: 'postgres',
      url: 'postgres://u@db:5432/agw',
      connectTimeoutMs: 2500,
    });
  });

  it('names the variable, what it expects and what it got', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual(['PORT must be an integer from 0 to 65535 (got "eighty")']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must be an integer from 0 to 65535 (got "70000")']);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL must be sqlite:<path> or postgres:/);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL must be one of/);
    expect(problemsOf({ JWT_SECRET: 'short' })[0]).toMatch(/^JWT_SECRET must be at least 32 characters/);
    expect(problemsOf({ ALLOWED_ORIGINS: 'https://ok.example,not an origin' })[0]).toMatch(/^ALLOWED_ORIGINS must list origins/);
  });

  it('turns the demo content on outside production, off in production, and as DEMO_CONTENT says', () => {
    const secret = { JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig({}).demoContent).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).demoContent).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).demoContent).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_CONTENT: 'on', ...secret }).demoContent).toBe(true);
    expect(loadConfig({ DEMO_CONTENT: 'off' }).demoContent).toBe(false);
    expect(() => loadConfig({ DEMO_CONTENT: 'yes' })).toThrow('DEMO_CONTENT must be on or off (got "yes")');
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', WS_MAX_PAYLOAD_BYTES: '1' })).toHaveLength(2);
  });

  it('refuses production without a signing secret or identity provider', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).toMatch(/JWT_SECRET \(or JWKS_URI\) is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).auth.mode).toBe('secret');
  });

  it('refuses a shared secret and an identity provider together', () => {
    expect(problemsOf({ JWT_SECRET: 'x'.repeat(32), JWKS_URI: 'https://idp.example/jwks' })[0]).toMatch(/exclusive/);
  });

  it('takes CORS origins: none by default, a list, or * alone', () => {
    expect(loadConfig({}).cors).toBeNull();
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).cors).toEqual({
      origins: ['https://app.example.com', 'http://localhost:3000'],
    });
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors).toEqual({ origins: '*' });
    expect(problemsOf({ CORS_ORIGINS: 'app.example.com' })[0]).toMatch(/^CORS_ORIGINS must list origins/);
    expect(problemsOf({ CORS_ORIGINS: '*, https://app.example.com' })).toEqual(['CORS_ORIGINS is either * (any origin) or a list of origins, not both']);
  });

  it('takes JWKS settings, algorithm and origin lists', () => {
    const config = loadConfig({
      JWKS_URI: 'http://127.0.0.1:9000/.well-known/jwks.json',
      JWT_ISSUER: 'https://idp.example',
      JWT_AUDIENCE: 'agent-gateway',
      JWT_ALGORITHMS: 'ES256, RS256',
      ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000',
    });
    expect(config.auth).toMatchObject({ mode: 'jwks', algorithms: ['ES256', 'RS256'], issuer: 'https://idp.example' });
    expect(config.ws.allowedOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(problemsOf({ JWKS_URI: 'http://idp/jwks', JWT_ALGORITHMS: 'HS256' })[0]).toMatch(/^JWT_ALGORITHMS must list/);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', JWT_SECRET: '' }).database.type).toBe('sqlite');
  });

  it('traces only with an OTLP endpoint, sending to {endpoint}/v1/traces unless the traces endpoint is given', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'agent-gateway',
    });
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp', OTEL_SERVICE_NAME: 'agw-eu' };
    expect(loadConfig(both).tracing).toEqual({ tracesUrl: 'https://traces.example/otlp', serviceName: 'agw-eu' });
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318 (got "collector:4318")',
    ]);
  });

  it('defaults to the built-in model and validates provider settings', () => {
    expect(loadConfig({}).model).toEqual({ provider: 'builtin', maxRetries: 2 });
    expect(loadConfig({ MODEL_PROVIDER: 'openai', MODEL_API_KEY: 'k' }).model).toMatchObject({ provider: 'openai', name: 'gpt-4o-mini' });
    expect(
      loadConfig({ MODEL_PROVIDER: 'openai-compatible', MODEL_BASE_URL: 'http://127.0.0.1:11434/v1', MODEL_NAME: 'llama3.2' }).model,
    ).toEqual({ provider: 'openai-compatible', name: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, maxRetries: 2, structuredOutputs: true });
    expect(problemsOf({ MODEL_PROVIDER: 'gpt' })[0]).toMatch(/^MODEL_PROVIDER must be one of: builtin, openai, anthropic, openai-compatible/);
    expect(problemsOf({ MODEL_PROVIDER: 'openai-compatible' })[0]).toMatch(/needs MODEL_BASE_URL/);
    expect(problemsOf({ MODEL_PROVIDER: 'anthropic' })[0]).toBe('MODEL_PROVIDER=anthropic needs MODEL_API_KEY');
    expect(problemsOf({ RUN_TIMEOUT_MS: '10' })[0]).toBe('RUN_TIMEOUT_MS must be an integer from 1000 to 3600000 (got "10")');
  });

  it('serves metrics on PORT by default; takes a token, a port of their own, or none at all', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, port: null });
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16), METRICS_PORT: '9464' }).metrics).toEqual({ token: 'm'.repeat(16), port: 9464 });
    expect(loadConfig({ METRICS_ENABLED: 'false', METRICS_PORT: '9464' }).metrics).toBeNull();
    expect(loadConfig({ METRICS_ENABLED: ' TRUE ' }).metrics).not.toBeNull();
    expect(problemsOf({ METRICS_ENABLED: 'maybe' })).toEqual(['METRICS_ENABLED must be true or false (got "maybe")']);
    // The token is a credential: never echoed back.
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN must be at least 16 characters long']);
    expect(problemsOf({ METRICS_PORT: '8000' })).toEqual(['METRICS_PORT must differ from PORT and the legacy ports: it serves /metrics alone (got "8000")']);
    expect(problemsOf({ METRICS_PORT: '8765', CHAT_WS_PORT: '8765' })[0]).toMatch(/^METRICS_PORT must differ/);
  });
});
