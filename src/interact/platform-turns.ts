import type { QueuedTurn } from '../coordination/coordination';
import type { ConversationTurn } from '../conversation/conversation-transcript';

/**
 * The platform's conversation shape (its TurnProps), which `sync_chat_history` and `metadata.turns` carry and
 * `turnsHistory` brings in. Our messages are all plain text; `operator` marks a human operator's reply (ours).
 */
export interface PlatformMessage {
  from: 'bot' | 'human';
  type: 'text';
  /** Unix seconds. */
  ts: number;
  mid?: string;
  item: { type: 'text'; payload: { message: string } };
  replyTo?: unknown;
  operator?: true;
}

export interface TurnProps {
  from: 'bot' | 'human';
  /** Unix seconds. */
  ts: number;
  modelId?: string;
  messages: PlatformMessage[];
  operator?: true;
}

export const MAX_TURNS_HISTORY = 200;

/** One turn per message: the user's as a human turn, answers and operator replies as bot turns. */
export function platformTurns(turns: ConversationTurn[]): TurnProps[] {
  return turns.map((turn) => {
    const from = turn.role === 'user' ? 'human' : 'bot';
    const ts = Math.floor(turn.at.getTime() / 1000);
    const message: PlatformMessage = { from, type: 'text', ts, item: { type: 'text', payload: { message: turn.content } } };
    if (turn.role === 'user' && turn.messageId) message.mid = turn.messageId;
    if (turn.meta?.replyTo) message.replyTo = turn.meta.replyTo;
    if (turn.role === 'operator') message.operator = true;
    const props: TurnProps = { from, ts, messages: [message] };
    if (turn.model) props.modelId = turn.model;
    if (turn.role === 'operator') props.operator = true;
    return props;
  });
}

/**
 * `turnsHistory` as the model's context: the text of each turn's text messages, in order. Other message
 * types (choices, cards…) carry no text a model could use and are skipped.
 */
export function contextOf(value: unknown): NonNullable<QueuedTurn['context']> | { problem: string } {
  if (!Array.isArray(value)) return { problem: 'turnsHistory must be an array of turns' };
  if (value.length > MAX_TURNS_HISTORY) return { problem: `turnsHistory must have at most ${MAX_TURNS_HISTORY} turns` };
  const context: NonNullable<QueuedTurn['context']> = [];
  for (const [index, turn] of value.entries()) {
    const at = `turnsHistory[${index}]`;
    if (typeof turn !== 'object' || turn === null) return { problem: `${at} must be an object` };
    const { from, messages } = turn as { from?: unknown; messages?: unknown };
    if (from !== 'bot' && from !== 'human') return { problem: `${at}.from must be "bot" or "human"` };
    if (!Array.isArray(messages)) return { problem: `${at}.messages must be an array` };
    const text = messages.flatMap((message: { item?: { type?: unknown; payload?: { message?: unknown } } } | null) =>
      message?.item?.type === 'text' && typeof message.item.payload?.message === 'string' ? [message.item.payload.message] : [],
    );
    if (text.length > 0) context.push({ role: from === 'human' ? 'user' : 'assistant', content: text.join('\n\n') });
  }
  return context;
}
