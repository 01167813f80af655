import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';

/** Two cores or more: the server under test gets core 0 to itself, the load generator core 1. */
export const PINNED = availableParallelism() >= 2;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Pins this process (every thread, libuv's pool included) to core 1, so it never competes with the server. */
export function pinLoadGenerator(): void {
  if (PINNED) spawnSync('taskset', ['-acp', '1', String(process.pid)], { stdio: 'ignore' });
}

/**
 * A Node process started the way every measured server is: pinned to core 0, with the file limit raised as
 * far as this machine allows (10,000 sockets need more than the usual 1024), outside the checkout so no
 * `.env` is read, and with only the environment given plus PATH.
 */
export class PinnedProcess {
  readonly exited: Promise<number | null>;
  private output = '';
  private readonly child: ChildProcess;

  /** `nodeArgs` go before the script (`--cpu-prof`): such a process is stopped with SIGTERM, so it can write its profile. */
  constructor(script: string, args: string[], env: Record<string, string>, private readonly nodeArgs: string[] = []) {
    const quoted = [...nodeArgs, script, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    // exec keeps the pid: the one we read /proc/<pid> of is node itself, not bash.
    const command = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${PINNED ? 'taskset -c 0 ' : ''}'${process.execPath}' ${quoted}`;
    this.child = spawn('bash', ['-c', command], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last few KB of its stdout and stderr, for error messages. */
  get recentOutput(): string {
    return this.output;
  }

  /** User + system CPU time so far, in ms (clock-tick resolution, usually 10 ms). */
  cpuMs(): number {
    // Fields after the command name, which is parenthesised and may contain spaces.
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  }

  rssBytes(): number {
    return statusField(this.pid, 'VmRSS') * 1024;
  }

  /** The soft open-files limit the process actually got. */
  fileLimit(): number {
    const line = readFileSync(`/proc/${this.pid}/limits`, 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
    return Number(line?.split(/\s+/)[3] ?? NaN);
  }

  /**
   * Resolves once the process has used under a tenth of a core for a quarter of a second: work left over from
   * the previous case (turns failing after their model streams were dropped) must not be billed to the next.
   */
  async settle(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = this.cpuMs();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = this.cpuMs();
      if (now - last < 25) return;
      last = now;
    }
  }

  async waitHealthy(url: string, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      const status = await fetch(url).then((res) => res.status, () => 0);
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(`${url} did not answer 200 within ${timeoutMs} ms; output:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.nodeArgs.length === 0) this.child.kill('SIGKILL');
      else {
        this.child.kill('SIGTERM');
        const killLater = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
        await this.exited;
        clearTimeout(killLater);
      }
    }
    await this.exited;
  }
}

function statusField(pid: number, name: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((row) => row.startsWith(`${name}:`));
  return Number(line?.split(/\s+/)[1] ?? NaN);
}
