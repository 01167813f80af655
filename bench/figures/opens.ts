import { openAndClose } from '../support/raw-open';
import { benchToken, startBaseline, startGateway, withTarget, type Target } from '../support/targets';
import { asError, RowSet, sleep, type BenchContext, type Figure } from './figure';

/**
 * A fresh gateway's upgrade path is still being optimized by V8 for its first seconds: with half a second, the case
 * measured first on a new process paid for it (374 µs of CPU per open after 0.5 s, 249 µs after 3 s, same build).
 */
const WARM_UP_MS = 2000;

/**
 * WebSocket opens per second: `opensInFlight` clients each open an authenticated socket, close it as soon as
 * it is open, wait for the close to complete, and start over. Opens completed in the window are counted
 * after WARM_UP_MS of opens. Each /chat client reuses its own chat id, as a reconnecting client does.
 * The clients speak the handshake over plain TCP (`raw-open.ts`): `ws` clients on the one core of the load generator
 * spent as much CPU per open as the server and set the rate themselves. The server's CPU per open is reported too,
 * and the log says how busy each side was.
 */
export const opens: Figure = async (context) => {
  const { config, mock } = context;
  const rows = new RowSet('opens');
  const token = benchToken();
  const goal = { on: 'ratio' as const, bound: 'min' as const, limit: 0.8 };
  const cases = [
    { name: 'WS opens/s, /chat/{id}', path: (worker: number) => `/chat/open-${worker}` },
    { name: 'WS opens/s, /interact', path: () => '/interact' },
  ];
  for (let run = 0; run < config.runs; run++) {
    await withTarget(
      () => startGateway(config, { model: mock.baseUrl }),
      async (target) => {
        for (const { name, path } of cases) {
          const measured = await measure(context, target, token, path);
          rows.add(name, 'opens/s', measured.perS, { goal });
          rows.add(cpuRow(name), 'µs', measured.cpuUsPerOpen);
        }
      },
    );
    const bare = await withTarget(() => startBaseline(config, 'bare-ws'), (target) => measure(context, target, token, (worker) => `/open-${worker}`));
    for (const { name } of cases) {
      rows.add(name, 'opens/s', bare.perS, { baseline: 'bare ws server' });
      rows.add(cpuRow(name), 'µs', bare.cpuUsPerOpen, { baseline: 'bare ws server' });
    }
  }
  return rows.all();
};

const cpuRow = (name: string) => name.replace('WS opens/s', 'server CPU per WS open');

async function measure(context: BenchContext, target: Target, token: string, path: (worker: number) => string): Promise<{ perS: number; cpuUsPerOpen: number }> {
  const { opensInFlight, opensWindowS } = context.config.sizes;
  const port = Number(new URL(target.wsUrl).port);
  let opened = 0;
  let stopped = false;
  const workers = Array.from({ length: opensInFlight }, async (_, worker) => {
    while (!stopped) {
      await openAndClose(port, path(worker), token);
      opened++;
    }
  });
  const failure = Promise.all(workers).then(
    () => undefined,
    (error: unknown) => asError(error),
  );
  await sleep(WARM_UP_MS);
  const [count0, t0, cpu0, own0] = [opened, performance.now(), target.proc.cpuMs(), process.cpuUsage()];
  const error = await Promise.race([sleep(opensWindowS * 1000), failure]);
  const [count1, t1, cpu1, own1] = [opened, performance.now(), target.proc.cpuMs(), process.cpuUsage(own0)];
  stopped = true;
  await failure;
  if (error) throw error;
  const perS = ((count1 - count0) * 1000) / (t1 - t0);
  const cpuUsPerOpen = ((cpu1 - cpu0) * 1000) / (count1 - count0);
  context.log(`opens [${target.name}] ${path(0)}: ${Math.round(perS)}/s, server CPU ${cpuUsPerOpen.toFixed(0)} µs per open, ${((100 * (cpu1 - cpu0)) / (t1 - t0)).toFixed(0)}% busy; clients ${((own1.user + own1.system) / (count1 - count0)).toFixed(0)} µs per open, ${((own1.user + own1.system) / 10 / (t1 - t0)).toFixed(0)}% busy`);
  return { perS, cpuUsPerOpen };
}
