import { ClientErrorCode, GatewayError } from './gateway-error';
import type {
  AcceptedInput,
  ApprovalDecided,
  ApprovalDecisionBody,
  PendingApproval,
  AgentStep,
  ConversationMessage,
  ConversationSummary,
  HistoryEntry,
  MeResponse,
  OperatorReplyResult,
  ReleaseResult,
  RunAgentRequest,
  SessionInput,
  WaitingSession,
} from './generated/rest';
import { withQuery } from './transport';

/** The part of `fetch` the client uses; the global one fits, in browsers and Node alike. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; ok: boolean; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface HistoryPage {
  items: HistoryEntry[];
  /** `X-Next-Before`: pass it as `before` for the previous (older) page; null on the oldest one. */
  nextBefore: number | null;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** The REST routes, each answering its typed body or throwing a GatewayError with the server's code. */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Promise<string>,
    private readonly fetch: FetchLike,
  ) {}

  me(options: RequestOptions = {}): Promise<MeResponse> {
    return this.request<MeResponse>('GET', '/auth/me', undefined, options).then(({ body }) => body);
  }

  /** One page of a chat's history, oldest first: the newest `limit` entries before `before`. */
  async history(chatId: string, query: { before?: number; limit?: number } = {}, options: RequestOptions = {}): Promise<HistoryPage> {
    const path = withQuery(`${this.baseUrl}/history/${encodeURIComponent(chatId)}`, query).slice(this.baseUrl.length);
    const { body, headers } = await this.request<HistoryEntry[]>('GET', path, undefined, options);
    const next = headers.get('x-next-before');
    return { items: body, nextBefore: next === null ? null : Number(next) };
  }

  /** Every page of a chat's history, newest page first (each page oldest first). */
  async *historyPages(chatId: string, limit?: number, options: RequestOptions = {}): AsyncGenerator<HistoryPage> {
    let before: number | undefined;
    do {
      const page = await this.history(chatId, { before, limit }, options);
      yield page;
      before = page.nextBefore ?? undefined;
    } while (before !== undefined);
  }

  /** POST /agent/run: the steps of a stateless run; aborting the signal cancels the run. */
  runAgent(body: RunAgentRequest, options: RequestOptions = {}): Promise<AgentStep[]> {
    return this.request<AgentStep[]>('POST', '/agent/run', body, options).then((answer) => answer.body);
  }

  /** The caller's interactive sessions that wait on a question, newest question first. */
  waitingSessions(query: { limit?: number; offset?: number } = {}, options: RequestOptions = {}): Promise<WaitingSession[]> {
    const path = withQuery(`${this.baseUrl}/sessions`, { status: 'waiting', ...query }).slice(this.baseUrl.length);
    return this.request<WaitingSession[]>('GET', path, undefined, options).then((answer) => answer.body);
  }

  /** Answers the question an interactive session waits on, from anywhere: no socket needed. */
  answerSession(sessionId: string, input: SessionInput, options: RequestOptions = {}): Promise<AcceptedInput> {
    return this.request<AcceptedInput>('POST', `/sessions/${encodeURIComponent(sessionId)}/input`, input, options).then((answer) => answer.body);
  }

  /** The caller's tool calls that wait for approval, over all their chats, oldest first. */
  pendingApprovals(options: RequestOptions = {}): Promise<PendingApproval[]> {
    return this.request<PendingApproval[]>('GET', '/approvals?status=pending', undefined, options).then((answer) => answer.body);
  }

  /** Approves or rejects a waiting tool call from anywhere; resolves once the run has stored the decision. */
  decideApproval(approvalId: string, decision: ApprovalDecisionBody, options: RequestOptions = {}): Promise<ApprovalDecided> {
    return this.request<ApprovalDecided>('POST', `/approvals/${encodeURIComponent(approvalId)}`, decision, options).then((answer) => answer.body);
  }

  /** Operators: conversations by status (`handoff` by default). */
  conversations(status: 'handoff' | 'active' = 'handoff', options: RequestOptions = {}): Promise<ConversationSummary[]> {
    return this.request<ConversationSummary[]>('GET', `/conversations?status=${status}`, undefined, options).then((answer) => answer.body);
  }

  /** A conversation's messages (user, assistant, operator), for its owner and operators; `[]` for any other. */
  conversationMessages(convoId: string, options: RequestOptions = {}): Promise<ConversationMessage[]> {
    return this.request<ConversationMessage[]>('GET', `/conversations/${encodeURIComponent(convoId)}/messages`, undefined, options).then((answer) => answer.body);
  }

  /** Operators: a reply to a handed-off conversation. */
  reply(convoId: string, content: string, options: RequestOptions = {}): Promise<OperatorReplyResult> {
    return this.request<OperatorReplyResult>('POST', `/conversations/${encodeURIComponent(convoId)}/messages`, { content }, options).then((answer) => answer.body);
  }

  /** Operators: hands the conversation back to the agent. */
  release(convoId: string, options: RequestOptions = {}): Promise<ReleaseResult> {
    return this.request<ReleaseResult>('POST', `/conversations/${encodeURIComponent(convoId)}/release`, undefined, options).then((answer) => answer.body);
  }

  private async request<T>(method: string, path: string, body: unknown, options: RequestOptions): Promise<{ body: T; headers: { get(name: string): string | null } }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.token()}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new GatewayError(0, ClientErrorCode.Network, `${method} ${path} failed: ${String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) throw GatewayError.fromBody(response.status, text);
    try {
      return { body: JSON.parse(text) as T, headers: response.headers };
    } catch {
      throw new GatewayError(response.status, ClientErrorCode.BadResponse, `${method} ${path} answered ${response.status} with a body that is not JSON`);
    }
  }
}
