import { ChatConnection, type ChatOptions } from './chat-connection';
import { ClientErrorCode, GatewayError } from './gateway-error';
import type {
  ApprovalDecided,
  ApprovalDecisionBody,
  PendingApproval,
  AcceptedInput,
  AgentStep,
  ConversationMessage,
  ConversationSummary,
  MeResponse,
  OperatorReplyResult,
  ReleaseResult,
  RunAgentRequest,
  SessionInput,
  WaitingSession,
} from './generated/rest';
import { InteractConnection, type InteractOptions } from './interact-connection';
import { InteractiveConnection, type InteractiveOptions } from './interactive-connection';
import type { ReconnectOptions, SocketSettings } from './resumable-socket';
import { RestClient, type FetchLike, type HistoryPage, type RequestOptions } from './rest-client';
import { webSocketBase, type TokenCarrier, type WebSocketConstructor } from './transport';

export interface GatewayClientOptions {
  /** The server's HTTP address, e.g. `http://localhost:8000`; WebSockets use the same host (ws/wss). */
  baseUrl: string;
  /** A token, or a function asked before every request and (re)connection, so a refreshed token is used. */
  token: string | (() => string | Promise<string>);
  /** Default: the global WebSocket. In Node, pass the `ws` package's constructor (it can send the header). */
  WebSocket?: WebSocketConstructor;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /**
   * How the token travels on WebSocket upgrades. Default: the Authorization header with `ws`; elsewhere
   * `Sec-WebSocket-Protocol: bearer, <token>`, or `?access_token=` for a token that cannot be a protocol name.
   */
  tokenCarrier?: TokenCarrier;
  /** Backoff of automatic reconnects; `false` turns them off. */
  reconnect?: ReconnectOptions | false;
}

/** The Agent Gateway's three WebSocket protocols and its REST routes, typed. */
export class GatewayClient {
  private readonly rest: RestClient;
  private readonly wsBase: string;
  private readonly token: () => Promise<string>;

  constructor(private readonly options: GatewayClientOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const { token } = options;
    this.token = typeof token === 'string' ? () => Promise.resolve(token) : () => Promise.resolve(token());
    this.wsBase = webSocketBase(baseUrl);
    const globalFetch = (globalThis as { fetch?: FetchLike }).fetch;
    const fetch: FetchLike = options.fetch ?? ((url, init) => (globalFetch ? globalFetch(url, init) : Promise.reject(new Error('no fetch: pass one'))));
    this.rest = new RestClient(baseUrl, this.token, fetch);
  }

  /** WS /chat/{chat_id}. */
  chat(chatId: string, options: ChatOptions = {}): ChatConnection {
    return new ChatConnection(this.socketSettings(), this.wsBase, chatId, options);
  }

  /** WS /interact, for one conversation. */
  interact(options: InteractOptions): InteractConnection {
    return new InteractConnection(this.socketSettings(), this.wsBase, options);
  }

  /** An interactive route, e.g. `/base/testing/interactive`. */
  interactive(route: string, options: InteractiveOptions): InteractiveConnection {
    return new InteractiveConnection(this.socketSettings(), this.wsBase, route, options);
  }

  me(options?: RequestOptions): Promise<MeResponse> {
    return this.rest.me(options);
  }

  history(chatId: string, query?: { before?: number; limit?: number }, options?: RequestOptions): Promise<HistoryPage> {
    return this.rest.history(chatId, query, options);
  }

  historyPages(chatId: string, limit?: number, options?: RequestOptions): AsyncGenerator<HistoryPage> {
    return this.rest.historyPages(chatId, limit, options);
  }

  runAgent(body: RunAgentRequest, options?: RequestOptions): Promise<AgentStep[]> {
    return this.rest.runAgent(body, options);
  }

  /** `GET /sessions?status=waiting`: the caller's interactive sessions that wait on a question. */
  waitingSessions(query?: { limit?: number; offset?: number }, options?: RequestOptions): Promise<WaitingSession[]> {
    return this.rest.waitingSessions(query, options);
  }

  /** `POST /sessions/{id}/input`: answers a waiting session's question without its socket, from any instance. */
  answerSession(sessionId: string, input: SessionInput, options?: RequestOptions): Promise<AcceptedInput> {
    return this.rest.answerSession(sessionId, input, options);
  }

  /** `GET /approvals?status=pending`: the caller's tool calls waiting for approval, over all their chats. */
  pendingApprovals(options?: RequestOptions): Promise<PendingApproval[]> {
    return this.rest.pendingApprovals(options);
  }

  /** `POST /approvals/{id}`: approves or rejects a waiting tool call without a socket, from any instance. */
  decideApproval(approvalId: string, decision: ApprovalDecisionBody, options?: RequestOptions): Promise<ApprovalDecided> {
    return this.rest.decideApproval(approvalId, decision, options);
  }

  /** A conversation's messages (`GET /conversations/{id}/messages`): its owner's, or any for operators. */
  conversationMessages(convoId: string, options?: RequestOptions): Promise<ConversationMessage[]> {
    return this.rest.conversationMessages(convoId, options);
  }

  /** The operator routes (`OPERATOR_ROLE`). */
  get operator(): {
    conversations(status?: 'handoff' | 'active', options?: RequestOptions): Promise<ConversationSummary[]>;
    reply(convoId: string, content: string, options?: RequestOptions): Promise<OperatorReplyResult>;
    release(convoId: string, options?: RequestOptions): Promise<ReleaseResult>;
  } {
    return {
      conversations: (status, options) => this.rest.conversations(status, options),
      reply: (convoId, content, options) => this.rest.reply(convoId, content, options),
      release: (convoId, options) => this.rest.release(convoId, options),
    };
  }

  private socketSettings(): SocketSettings {
    const WebSocket = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocket) throw new GatewayError(0, ClientErrorCode.Network, 'No WebSocket implementation: pass one (the `ws` package in Node)');
    return { WebSocket, token: this.token, carrier: this.options.tokenCarrier, reconnect: this.options.reconnect ?? {} };
  }
}
