import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { DatabaseKind } from './databases';
import { OpenAiCompatibleServer } from './openai-compatible-server';
import { startTestApp, type TestApp } from './test-app';

export interface ScriptedModel {
  /** The app; valid inside tests (it starts in beforeAll). */
  app(): TestApp;
  model: OpenAiCompatibleServer;
}

/**
 * Registers hooks for a spec whose model is a scripted OpenAI-compatible HTTP server: the server, an app
 * configured to use it, and a check after each test that every scripted reply was consumed.
 */
export function useScriptedModel(options: { env?: Record<string, string>; database?: DatabaseKind; apiKey?: string } = {}): ScriptedModel {
  const model = new OpenAiCompatibleServer(options.apiKey ? { apiKey: options.apiKey } : {});
  let t: TestApp;
  beforeAll(async () => {
    await model.start();
    t = await startTestApp({
      database: options.database,
      env: {
        MODEL_PROVIDER: 'openai-compatible',
        MODEL_BASE_URL: model.baseUrl,
        MODEL_NAME: 'test-model',
        MODEL_API_KEY: options.apiKey ?? '',
        MODEL_MAX_RETRIES: '0',
        ...options.env,
      },
    });
  });
  afterEach(() => {
    expect(model.pending(), 'every scripted reply was used').toBe(0);
    model.reset();
  });
  afterAll(async () => {
    await t.close();
    await model.stop();
  });
  return { app: () => t, model };
}
