// Builds only when a source or build setting is newer than the build output, so `npm run token` and
// `npm start` do not pay for a full compile (seconds) when nothing changed since the last one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const output = join(root, 'dist', 'src', 'main.js');
const inputs = ['src', 'web', 'client/src', 'docs/asyncapi.yaml', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** @param {string} path @returns {number} the newest modification time under `path` */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

if (!existsSync(output) || Math.max(...inputs.map((input) => newest(join(root, input)))) > statSync(output).mtimeMs) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
