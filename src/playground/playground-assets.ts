import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

/** What scripts/build-web.mjs writes into dist/web, and nothing else is served. */
const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * The built page: dist/web next to dist/src when the server runs from the build, or from the package root
 * when the code runs from src/ (the tests). The sources in web/ have no app.js, so they never match.
 */
export class PlaygroundAssets {
  private readonly cache = new Map<string, Asset>();

  constructor(private readonly candidates = [join(__dirname, '..', '..', 'web'), join(__dirname, '..', '..', 'dist', 'web')]) {}

  /** The asset, or null for a name that is not one of the page's files or a page that was not built. */
  get(name: string): Asset | null {
    const type = TYPES[name];
    if (type === undefined) return null;
    const cached = this.cache.get(name);
    if (cached) return cached;
    const folder = this.candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'app.js')));
    if (folder === undefined || !existsSync(join(folder, name))) return null;
    const asset = { body: readFileSync(join(folder, name)), type };
    this.cache.set(name, asset);
    return asset;
  }
}
