import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** The baseline of idle and opens: a `ws` server that accepts every upgrade and does nothing else. */
const http = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end());
new WebSocketServer({ server: http, perMessageDeflate: false });
http.listen(Number(process.env.PORT), '127.0.0.1');
// An exit, not a kill, on SIGTERM: under BENCH_PROFILE_DIR that is when --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
