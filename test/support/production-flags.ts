import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm run start:prod` passes (`node <flags> dist/src/main.js` in `root`'s package.json), so that tests
 * and benchmarks start the server as production does.
 */
export function productionNodeFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = /^node ((?:--\S+ )*)dist\/src\/main\.js$/.exec(scripts['start:prod'] ?? '');
  if (!start) throw new Error(`${root}/package.json: start:prod is not "node [flags] dist/src/main.js"`);
  return start[1]!.split(' ').filter(Boolean);
}
