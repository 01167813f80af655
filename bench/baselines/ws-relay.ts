import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { bareStream, sdkStream, type ModelStream } from './model-streams';
import { chatProtocol, interactProtocol, type RelayProtocol } from './relay-frames';

/**
 * The relay baselines of token-cpu and latency: a plain `ws` server that answers each client frame by
 * streaming the mock model and sending one frame per token in the gateway's shape, then an end frame.
 * No auth, no storage, no engine: the floor the gateway's per-token cost is compared with.
 * RELAY=bare reads the mock with fetch and a hand-written SSE split; RELAY=sdk through the AI SDK.
 */
const mockUrl = process.env.MOCK_URL ?? '';
const stream: ModelStream = process.env.RELAY === 'sdk' ? sdkStream(mockUrl) : bareStream(mockUrl);

const http = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

wss.on('connection', (socket, req) => {
  const path = new URL(req.url ?? '/', 'http://relay').pathname;
  const protocol = path.startsWith('/chat/') ? chatProtocol(path.slice('/chat/'.length)) : interactProtocol();
  // One turn at a time per socket, as the gateway answers a chat.
  let queue = Promise.resolve();
  socket.on('message', (data: Buffer) => {
    queue = queue.then(() => relay(socket, protocol, JSON.parse(data.toString('utf8')) as Record<string, unknown>)).catch(() => socket.terminate());
  });
});

async function relay(socket: WebSocket, protocol: RelayProtocol, frame: Record<string, unknown>): Promise<void> {
  for await (const text of stream(protocol.prompt(frame))) {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(protocol.token(text));
  }
  socket.send(protocol.end());
}

http.listen(Number(process.env.PORT), '127.0.0.1');
// An exit, not a kill, on SIGTERM: under BENCH_PROFILE_DIR that is when --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
