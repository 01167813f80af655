import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without declarations; the spec only calls its two exports.
import { GENERATED } from '../scripts/client-types.mjs';

const root = join(__dirname, '..');
const generators = GENERATED as Record<string, () => Promise<string>>;

describe('the typed client is generated from the contracts', () => {
  it.each(Object.entries(generators))('%s matches what docs/ generate (run `npm run contracts` when not)', async (file, generate) => {
    expect(readFileSync(join(root, file), 'utf8')).toBe(await generate());
  });
});
