import autocannon from 'autocannon';
import { CHAT, StreamClient } from '../support/stream-client';
import { benchToken, startGateway, withTarget, type Target } from '../support/targets';
import { RowSet, type BenchContext, type Figure } from './figure';

const HISTORY_CHAT = 'rest-history';
const HISTORY_TURNS = 3;

/**
 * REST throughput with autocannon, each route against the gateway's own `GET /health` measured in the same
 * run. The built-in model answers, so `POST /agent/run` costs the gateway's engine and no network call.
 */
export const rest: Figure = async (context) => {
  const { config } = context;
  const rows = new RowSet('rest');
  const token = benchToken();
  const auth = { authorization: `Bearer ${token}` };
  const routes = [
    { name: 'GET /auth/me', path: '/auth/me', goal: 0.8 },
    { name: `GET /history/{chat} (${HISTORY_TURNS} turns)`, path: `/history/${HISTORY_CHAT}` },
    { name: 'POST /agent/run (builtin model)', path: '/agent/run', method: 'POST' as const, body: JSON.stringify({ task: 'what is 12 * 7' }), goal: 0.3 },
  ];
  for (let run = 0; run < config.runs; run++) {
    await withTarget(
      () => startGateway(config, { model: 'builtin' }),
      async (target) => {
        await seedHistory(target, token);
        const health = await load(context, target, { path: '/health' });
        for (const route of routes) {
          const { goal, name, ...request } = route;
          const perS = await load(context, target, { ...request, headers: { ...auth, 'content-type': 'application/json' } });
          rows.add(name, 'req/s', perS, goal === undefined ? {} : { goal: { on: 'ratio', bound: 'min', limit: goal } });
          rows.add(name, 'req/s', health, { baseline: 'GET /health' });
        }
      },
    );
  }
  return rows.all();
};

/** A chat owned by the token's user with a few turns, through the same socket a client would use. */
async function seedHistory(target: Target, token: string): Promise<void> {
  const client = await StreamClient.open(target.wsUrl, token, CHAT, HISTORY_CHAT);
  for (let n = 0; n < HISTORY_TURNS; n++) await client.turn('what is 12 * 7');
  client.close();
}

interface Request {
  path: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

async function load(context: BenchContext, target: Target, request: Request): Promise<number> {
  const { restConnections, restDurationS } = context.config.sizes;
  const result = await autocannon({ url: target.httpUrl + request.path, connections: restConnections, duration: restDurationS, ...request });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${request.method ?? 'GET'} ${request.path}: ${result.errors} errors, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  context.log(`rest ${request.method ?? 'GET'} ${request.path}: ${Math.round(result.requests.average)} req/s`);
  return result.requests.average;
}
