import WebSocket from 'ws';

/** The two streaming protocols as a client sees them: where to connect, what to send, which frames matter. */
export interface ClientProtocol {
  name: 'chat' | 'interact';
  path(id: string): string;
  request(id: string, turn: number, prompt: string): object;
  /** The streamed text of a token frame, or undefined for any other frame. */
  tokenText(frame: Record<string, unknown>): string | undefined;
  isEnd(frame: Record<string, unknown>): boolean;
  isError(frame: Record<string, unknown>): boolean;
}

export const CHAT: ClientProtocol = {
  name: 'chat',
  path: (id) => `/chat/${id}?stream=1`,
  request: (_id, turn, prompt) => ({ type: 'client', message: prompt, message_id: `m${turn}` }),
  tokenText: (frame) => (frame.type === 'agent_step_delta' ? (frame.delta as string) : undefined),
  isEnd: (frame) => frame.type === 'message_end',
  isError: (frame) => frame.type === 'agent_error',
};

export const INTERACT: ClientProtocol = {
  name: 'interact',
  path: () => '/interact?keep_open=1',
  request: (id, _turn, prompt) => ({ agentId: 'assistant', convoId: id, bucket: '(default)', prompt }),
  tokenText: (frame) => (frame.type === 'chunk' ? (frame.chunk as string) : undefined),
  isEnd: (frame) => frame.type === 'turn_end',
  isError: (frame) => frame.type === 'error',
};

export function openSocket(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`${url}: upgrade refused with ${res.statusCode}`)));
  });
}

/** One conversation on its own socket, answering turn after turn; `onToken` sees every streamed text piece. */
export class StreamClient {
  /** Frames of every kind received, for the turn figure's frames per turn. */
  frames = 0;
  /** The first token frame as received, to check that a baseline sends the gateway's shape and size. */
  sampleTokenFrame: string | undefined;
  private turns = 0;
  private waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly protocol: ClientProtocol,
    private readonly id: string,
    onToken: (text: string) => void,
  ) {
    socket.on('message', (data: Buffer) => {
      this.frames++;
      const frame = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      const text = protocol.tokenText(frame);
      if (text !== undefined) {
        this.sampleTokenFrame ??= data.toString('utf8');
        onToken(text);
      }
      else if (protocol.isEnd(frame)) this.settle();
      else if (protocol.isError(frame)) this.settle(new Error(`${protocol.name} ${id}: ${JSON.stringify(frame)}`));
    });
    socket.on('close', () => this.settle(new Error(`${protocol.name} ${id}: the socket closed mid-turn`)));
  }

  static async open(baseWsUrl: string, token: string, protocol: ClientProtocol, id: string, onToken: (text: string) => void = () => {}): Promise<StreamClient> {
    return new StreamClient(await openSocket(baseWsUrl + protocol.path(id), token), protocol, id, onToken);
  }

  turn(prompt = 'go'): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.send(JSON.stringify(this.protocol.request(this.id, ++this.turns, prompt)));
    });
  }

  close(): void {
    this.socket.terminate();
  }

  private settle(error?: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (error) waiting?.reject(error);
    else waiting?.resolve();
  }
}
