import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionNodeFlags } from './production-flags';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const TOKEN_CLI = join(ROOT, 'dist', 'src', 'auth', 'token.cli.js');

function requireBuild(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does)`);
  return file;
}

/**
 * Only what the test passes, plus PATH: the developer's own variables must not leak into the child.
 * The child runs outside the checkout so a developer's .env file is not read either.
 */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...env };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The compiled server as `npm run start:prod` runs it (its Node flags too), in its own process, with its JSON log lines collected. */
export class ServerProcess {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly proc: ChildProcess;

  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, [...productionNodeFlags(ROOT), requireBuild(MAIN)], { cwd: tmpdir(), env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const part of parts) if (part.trim()) this.lines.push(JSON.parse(part) as LogLine);
    });
    this.proc.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get stdout(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }

  async waitFor(predicate: (line: LogLine) => boolean, timeoutMs = 15000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (this.proc.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no matching log line; stderr: ${this.stderr}\nstdout: ${this.stdout}`);
  }

  /** Resolves with the base URL once the server says it listens. */
  async listening(): Promise<string> {
    const line = await this.waitFor((entry) => entry.msg === 'Agent Gateway is listening');
    return `http://127.0.0.1:${line.port as number}`;
  }

  signal(name: NodeJS.Signals): void {
    this.proc.kill(name);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** Runs the token CLI as `npm run token` would, returning its exit code and output. */
export function runTokenCli(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [requireBuild(TOKEN_CLI), ...args], { cwd: tmpdir(), env: cleanEnv(env), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
