import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '..', 'scripts', 'build-if-stale.mjs');

/** A project of its own whose `build` leaves a marker, so the spec sees whether the script built. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'agw-stale-'));
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist', 'src'), { recursive: true });
  copyFileSync(SCRIPT, join(root, 'scripts', 'build-if-stale.mjs'));
  const build = `node -e "require('fs').writeFileSync('built', '')"`;
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'stale-check', private: true, scripts: { build } }));
  writeFileSync(join(root, 'src', 'main.ts'), 'export {};\n');
  writeFileSync(join(root, 'dist', 'src', 'main.js'), '');
  return root;
}

const run = (root: string) => spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, encoding: 'utf8' });
const age = (file: string, secondsAgo: number) => utimesSync(file, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

describe('npm start and npm run token build only when the build is stale', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('does not build when the output is newer than every source', () => {
    const root = project();
    roots.push(root);
    age(join(root, 'src', 'main.ts'), 60);
    expect(run(root).status).toBe(0);
    expect(existsSync(join(root, 'built'))).toBe(false);
  });

  it('builds when a source changed after the last build, or when there is no build', () => {
    const root = project();
    roots.push(root);
    age(join(root, 'dist', 'src', 'main.js'), 60);
    expect(run(root).status).toBe(0);
    expect(existsSync(join(root, 'built'))).toBe(true);
    rmSync(join(root, 'built'));
    rmSync(join(root, 'dist'), { recursive: true });
    expect(run(root).status).toBe(0);
    expect(existsSync(join(root, 'built'))).toBe(true);
  });
});
