import { randomUUID } from 'node:crypto';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { chatCompletionsError, type ChatCompletionsEndpoint } from './chat-completions-errors';
import { chatMessages, chatTools, systemRoleOf } from './chat-completions-request';
import { EventStreamDecoder } from './event-stream-decoder';
import { leanFetch } from './lean-fetch';
import { malformedResponse } from './provider-errors';
import type { ModelTurn, TurnRequest, TurnStreamer } from './turn-streamer';

export interface ChatCompletionsSettings {
  provider: 'openai' | 'openai-compatible';
  model: string;
  /** Unset: OPENAI_BASE_URL, else OpenAI's own API. */
  baseURL?: string;
  apiKey?: string;
  maxRetries: number;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Streams over the Chat Completions wire with the official `openai` package, which retries 429s and 5xx
 * (honouring retry-after) by itself. Each token costs a line split, one JSON.parse and the append below, where
 * the AI SDK path spends several web-stream hops and a schema validation per chunk.
 */
export class ChatCompletionsTurnStreamer implements TurnStreamer {
  private readonly client: OpenAI;
  private readonly endpoint: ChatCompletionsEndpoint;
  private readonly systemRole: 'system' | 'developer';

  constructor(private readonly settings: ChatCompletionsSettings) {
    this.client = new OpenAI({
      apiKey: settings.apiKey ?? '',
      baseURL: settings.baseURL,
      // Only what the configuration says: not the OPENAI_* variables the package would otherwise read.
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: settings.maxRetries,
      // Its debug log (OPENAI_LOG) prints request bodies, which hold the conversation; failures reach the run instead.
      logLevel: 'off',
      // A local server without a key gets no Authorization header, as from the AI SDK's openai-compatible provider.
      defaultHeaders: settings.apiKey ? undefined : { Authorization: null },
      fetch: leanFetch,
    });
    this.endpoint = { provider: settings.provider, baseURL: this.client.baseURL, maxRetries: settings.maxRetries };
    this.systemRole = systemRoleOf(settings.provider, settings.model);
  }

  async *stream(request: TurnRequest): AsyncGenerator<string, ModelTurn> {
    const { signal } = request;
    const turn: ModelTurn = { text: '', calls: [], inputTokens: 0, outputTokens: 0 };
    const calls: PendingCall[] = [];
    // The package leaves its abort listener on the signal it is given once the request is over: given the run's, a
    // run of many model calls piled them up (Node warns past ten) and its end aborted every finished request again.
    // Each call has a signal of its own, cut loose from the run's when the call ends.
    const call = new AbortController();
    const forward = () => call.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    try {
      // The raw response, read here: the package's own Stream adds three generator hops and a buffer copy per event.
      const response = await unlessAborted(this.client.chat.completions.create(this.body(request), { signal: call.signal }).asResponse(), signal);
      if (!response.body) throw malformedResponse(this.settings.provider);
      const events = new EventStreamDecoder();
      for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
        for (const data of events.decode(bytes)) {
          const text = this.absorb(data, turn, calls);
          if (text) yield text;
        }
      }
      for (const data of events.end()) this.absorb(data, turn, calls);
      turn.calls = this.finishedCalls(calls);
      return turn;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw chatCompletionsError(error, this.endpoint);
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  /** Takes one event into the turn; returns its text, if any, for the caller to yield. */
  private absorb(data: string, turn: ModelTurn, calls: PendingCall[]): string | null | undefined {
    if (data === '[DONE]') return undefined;
    // A SyntaxError here is a malformed response (see chatCompletionsError).
    const chunk = JSON.parse(data) as ChatCompletionChunk & { error?: { message?: unknown } };
    if (chunk.error) throw new APIError(undefined, chunk.error, undefined, undefined);
    if (turn.modelId === undefined) turn.modelId = chunk.model;
    if (chunk.usage) {
      turn.inputTokens = chunk.usage.prompt_tokens;
      turn.outputTokens = chunk.usage.completion_tokens;
    }
    const delta = chunk.choices[0]?.delta;
    if (!delta) return undefined;
    if (delta.tool_calls) addToolCallDeltas(calls, delta.tool_calls);
    if (delta.content) turn.text += delta.content;
    return delta.content;
  }

  private body(request: TurnRequest): ChatCompletionCreateParamsStreaming {
    const offered = request.tools.length > 0;
    return {
      model: this.settings.model,
      messages: chatMessages(request.system, request.messages, this.systemRole),
      // Without tools, neither `tools` nor `tool_choice`: the request the AI SDK sent.
      ...(offered ? { tools: chatTools(request.tools), tool_choice: 'auto' as const } : {}),
      stream: true,
      stream_options: { include_usage: true },
    };
  }

  private finishedCalls(calls: PendingCall[]): ModelTurn['calls'] {
    const finished: ModelTurn['calls'] = [];
    for (const call of calls) {
      if (!call) continue;
      if (!call.name) throw malformedResponse(this.settings.provider);
      finished.push({ callId: call.id || randomUUID(), tool: call.name, args: parseArguments(call.arguments) });
    }
    return finished;
  }
}

/** A call arrives in pieces: its id and name first, then its arguments in fragments, all under one index. */
function addToolCallDeltas(calls: PendingCall[], deltas: ChatCompletionChunk.Choice.Delta.ToolCall[]): void {
  for (const delta of deltas) {
    const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name = delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
  }
}

// As on the AI SDK path: no arguments mean `{}`, and text that is not JSON goes to the tool's validation as it
// is, which refuses it in words the model reads on its next step.
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// The package's wait between retries does not listen to the signal (a retry-after may ask for a minute).
function unlessAborted<T>(request: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    request.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
