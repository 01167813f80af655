import { nowMs } from '../support/mock-model';
import { CHAT, INTERACT, StreamClient, type ClientProtocol } from '../support/stream-client';
import { benchToken, startBaseline, startGateway, withTarget, type Target } from '../support/targets';
import { percentile } from '../stats';
import { inParallel, RowSet, sleep, type BenchContext, type Figure } from './figure';

/**
 * Tokens are counted from this long after every stream has received its first one: until then the server is
 * starting turns (a thousand of them within a second), which is a burst of its own, not streaming latency.
 */
const WARM_UP_MS = 1000;

/**
 * Model → client latency under paced load: every stream gets one long reply at `rate` tokens a second,
 * each token carrying the time the mock sent it; the client, in the same process and on the same clock,
 * records its arrival. Streams start spread over a second, as real clients do not arrive in lockstep.
 */
export const latency: Figure = async (context) => {
  const { config, mock } = context;
  const rows = new RowSet('latency');
  const token = benchToken();
  const loads = config.sizes.latencyLoads;
  const goalFor = (index: number): number => (index === 0 ? 10 : 50);
  for (let run = 0; run < config.runs; run++) {
    await withTarget(
      () => startGateway(config, { model: mock.baseUrl }),
      async (target) => {
        for (const protocol of [CHAT, INTERACT]) {
          for (const [index, load] of loads.entries()) {
            const { p50, p99 } = await measure(context, target, token, protocol, load, `r${run}`);
            const name = `${label(protocol)}, ${load.streams} × ${load.rate} tok/s`;
            rows.add(`p99 ${name}`, 'ms', p99, { goal: { on: 'value', bound: 'max', limit: goalFor(index) } });
            rows.add(`p50 ${name}`, 'ms', p50);
          }
        }
      },
    );
    // The relay in each protocol's frame shape: the same cost either way, so one shape per load is enough.
    await withTarget(
      () => startBaseline(config, 'bare-relay', mock.baseUrl),
      async (target) => {
        for (const load of loads) {
          const { p50, p99 } = await measure(context, target, token, CHAT, load, `r${run}`);
          for (const protocol of [CHAT, INTERACT]) {
            const name = `${label(protocol)}, ${load.streams} × ${load.rate} tok/s`;
            rows.add(`p99 ${name}`, 'ms', p99, { baseline: 'bare ws relay' });
            rows.add(`p50 ${name}`, 'ms', p50, { baseline: 'bare ws relay' });
          }
        }
      },
    );
  }
  return rows.all();
};

function label(protocol: ClientProtocol): string {
  return `latency ${protocol === CHAT ? '/chat?stream=1' : '/interact'}`;
}

async function measure(
  context: BenchContext,
  target: Target,
  token: string,
  protocol: ClientProtocol,
  load: { streams: number; rate: number },
  tag: string,
): Promise<{ p50: number; p99: number }> {
  const { config, mock } = context;
  const latencies: number[] = [];
  let counted = 0;
  let since = Infinity;
  const flowing = new Set<string>();
  const ids = Array.from({ length: load.streams }, (_, i) => `lat-${tag}-${protocol.name}-${load.streams}-${i}`);
  const onToken = (id: string, text: string): void => {
    const now = nowMs();
    if (since === Infinity && flowing.add(id).size === ids.length) since = now + WARM_UP_MS;
    // A frame may carry several tokens if the server coalesced them: each is timed.
    for (const part of text.split(' ')) {
      if (part === '') continue;
      const sent = Number(part);
      if (sent >= since) latencies.push(now - sent);
      counted++;
    }
  };
  const clients = await inParallel(ids, 50, (id) => StreamClient.open(target.wsUrl, token, protocol, id, (text) => onToken(id, text)));
  mock.mode = { kind: 'paced', tokens: Math.round(config.sizes.latencyReplyS * load.rate), rate: load.rate };
  await Promise.all(clients.map(async (client, i) => {
    await sleep((i * 1000) / clients.length);
    await client.turn();
  }));
  for (const client of clients) client.close();
  await target.proc.settle();
  const expected = clients.length * Math.round(config.sizes.latencyReplyS * load.rate);
  if (counted !== expected) throw new Error(`${target.name} ${protocol.name}: ${counted} tokens arrived, ${expected} were sent`);
  if (latencies.length === 0) throw new Error(`${target.name} ${protocol.name}: no token arrived after every stream had started`);
  const sorted = latencies.sort((a, b) => a - b);
  const result = { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  context.log(`${label(protocol)} ${load.streams}×${load.rate} [${target.name}] p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms (${sorted.length} tokens)`);
  return result;
}
