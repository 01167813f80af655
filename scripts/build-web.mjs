// Bundles the playground (web/) into dist/web: one script, one stylesheet, the page and its icon, nothing
// fetched from elsewhere at run time. `node scripts/build-web.mjs [--watch]`.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const watch = process.argv.includes('--watch');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ['index.html', 'favicon.svg']) copyFileSync(join(root, 'web', file), join(out, file));

const options = {
  absWorkingDir: root,
  entryPoints: { app: 'web/app.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
};
const cssOptions = { ...options, entryPoints: { app: 'web/styles.css' } };

if (watch) {
  for (const context of [await esbuild.context(options), await esbuild.context(cssOptions)]) await context.watch();
  process.stdout.write(`watching web/ → ${out}\n`);
} else {
  await Promise.all([esbuild.build(options), esbuild.build(cssOptions)]);
}
