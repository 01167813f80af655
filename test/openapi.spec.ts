import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_SNAPSHOT } from './support/rest-contract';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
const REGENERATE = 'UPDATE_CONTRACTS=1 npx vitest run test/openapi.spec.ts';

/** The document as served, in the snapshot's layout (two-space JSON and a final newline). */
const format = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

describe('the OpenAPI document', () => {
  let t: TestApp;
  let served: string;

  beforeAll(async () => {
    t = await startTestApp();
    served = format(await (await fetch(`${t.httpUrl}/docs-json`)).json());
    if (process.env.UPDATE_CONTRACTS === '1') writeFileSync(OPENAPI_SNAPSHOT, served);
  });
  afterAll(() => t.close());

  it('is the committed docs/openapi.json', () => {
    const committed = readFileSync(OPENAPI_SNAPSHOT, 'utf8');
    expect(served, `The served /docs-json differs from docs/openapi.json; regenerate it with \`${REGENERATE}\``).toBe(committed);
  });

  it('passes `redocly lint` with no errors and no warnings', async () => {
    // The snapshot is linted: the test above holds it equal to the served document, and redocly.yaml and
    // .redocly.lint-ignore.yaml (both at the root, found from the working directory) name it by this path.
    const { code, stdout, stderr } = await run(REDOCLY, ['lint', 'docs/openapi.json', '--format', 'json']);
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    const problems = report.problems.map((problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
    expect(problems, stderr).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(code, stderr).toBe(0);
  });
});

async function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
