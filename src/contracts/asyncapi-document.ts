import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/asyncapi.yaml, read once: a missing contract stops the start-up rather than answering 500 later.
 * Two folders up is the repository root under the tests (src/contracts) and dist/ in a build (dist/src/contracts),
 * where `npm run build` copies the document so that dist/ alone is still everything production needs.
 */
export function readAsyncApiDocument(): string {
  return readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');
}
