import { TOKEN } from '../support/mock-model';
import { CHAT, INTERACT, StreamClient, type ClientProtocol } from '../support/stream-client';
import { benchToken, startBaseline, startGateway, withTarget, type Target } from '../support/targets';
import { asError, inParallel, RowSet, sleep, type BenchContext, type Figure } from './figure';

/**
 * Server CPU per streamed token. Each stream is a conversation on its own socket asking turn after turn
 * while the mock streams `tokensPerReply` tokens as fast as it can; after a second of warm-up the server's
 * CPU time and the text the clients received are read over a window of several seconds (CPU time has a
 * 10 ms resolution). Tokens are counted from the received text, so coalesced frames count right.
 */
export const tokenCpu: Figure = async (context) => {
  const { config, mock } = context;
  const rows = new RowSet('token-cpu');
  const token = benchToken();
  const targets: Array<{ label?: string; start: () => Promise<Target> }> = [
    { start: () => startGateway(config, { model: mock.baseUrl }) },
    { label: 'bare ws relay', start: () => startBaseline(config, 'bare-relay', mock.baseUrl) },
    { label: 'AI SDK relay', start: () => startBaseline(config, 'sdk-relay', mock.baseUrl) },
  ];
  mock.mode = { kind: 'fast', tokens: config.sizes.tokensPerReply };
  for (let run = 0; run < config.runs; run++) {
    for (const { label, start } of targets) {
      await withTarget(start, async (target) => {
        for (const protocol of [CHAT, INTERACT]) {
          for (const streams of [1, config.sizes.manyStreams]) {
            const result = await measure(context, target, token, protocol, streams, `r${run}`);
            const name = `CPU per token, ${protocol === CHAT ? '/chat?stream=1' : '/interact'}, ${streams} stream${streams > 1 ? 's' : ''}`;
            context.log(`${name} [${target.name}] ${result.usPerToken.toFixed(2)} µs (${Math.round(result.tokensPerS)} tok/s)`);
            if (label === 'AI SDK relay') rows.add(`${name} vs AI SDK relay`, 'µs', result.usPerToken, { baseline: label });
            else if (label) rows.add(name, 'µs', result.usPerToken, { baseline: label });
            else {
              rows.add(name, 'µs', result.usPerToken, { goal: { on: 'ratio', bound: 'max', limit: 2.5 } });
              rows.add(`${name} vs AI SDK relay`, 'µs', result.usPerToken);
            }
            rows.note(name, 'µs', `${target.name}: ${Math.round(result.tokensPerS)} tok/s, token frame ${result.frame}`);
          }
        }
      });
    }
  }
  return rows.all();
};

async function measure(context: BenchContext, target: Target, token: string, protocol: ClientProtocol, streams: number, tag: string): Promise<{ usPerToken: number; tokensPerS: number; frame: string }> {
  const { config, mock } = context;
  let chars = 0;
  const ids = Array.from({ length: streams }, (_, i) => `tok-${tag}-${protocol.name}-${streams}-${i}`);
  const clients = await inParallel(ids, 50, (id) => StreamClient.open(target.wsUrl, token, protocol, id, (text) => (chars += text.length)));
  let stopped = false;
  const loops = clients.map(async (client) => {
    while (!stopped) await client.turn();
  });
  const failure = Promise.all(loops).then(
    () => undefined,
    (error: unknown) => (stopped ? undefined : asError(error)),
  );
  // The window opens a second after tokens flow: a loaded machine may take longer than that to start a turn.
  await Promise.race([untilFlowing(() => chars), failure]);
  await sleep(1000);
  const [cpu0, chars0, t0] = [target.proc.cpuMs(), chars, performance.now()];
  await Promise.race([sleep(config.sizes.tokenWindowS * 1000), failure]);
  const [cpu1, chars1, t1] = [target.proc.cpuMs(), chars, performance.now()];
  stopped = true;
  // Dropping the model's streams ends the turns still running at once, instead of waiting for thousands of tokens.
  mock.dropConnections();
  for (const client of clients) client.close();
  const error = await failure;
  if (error) throw error;
  await target.proc.settle();
  const tokens = (chars1 - chars0) / TOKEN.length;
  if (tokens === 0) throw new Error(`${target.name} ${protocol.name}: no token reached the clients`);
  return { usPerToken: ((cpu1 - cpu0) * 1000) / tokens, tokensPerS: (tokens * 1000) / (t1 - t0), frame: describeFrame(clients[0]?.sampleTokenFrame) };
}

/** `{type,delta,message_id,chat_id,seq} 93 B`: the keys and size a relay must match for the comparison to hold. */
function describeFrame(frame: string | undefined): string {
  if (frame === undefined) return 'none';
  return `{${Object.keys(JSON.parse(frame) as object).join(',')}} ${Buffer.byteLength(frame)} B`;
}

async function untilFlowing(received: () => number, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received() === 0 && Date.now() < deadline) await sleep(50);
}
