import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // SWC keeps decorator metadata, which NestJS injection and class-validator rely on.
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2023' } })],
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/rest-contract.setup.ts'],
    testTimeout: 20000,
    hookTimeout: 30000,
    pool: 'forks',
    reporters: ['default'],
  },
});
