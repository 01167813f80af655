import { evaluate, findExpression, formatNumber } from '../../tools/calculator/arithmetic';
import { FINAL_ANSWER_INSTRUCTION, GREETING_INSTRUCTION, PLANNING_INSTRUCTION } from '../instructions';
import { answerFrom } from './builtin-answers';
import type { PromptView } from './builtin-prompt';

export type Decision = { kind: 'text'; text: string } | { kind: 'tool'; name: string; input: Record<string, unknown> };

type Intent =
  | { kind: 'handoff' }
  | { kind: 'send'; to: string; text: string }
  | { kind: 'arithmetic'; expression: string }
  | { kind: 'contacts'; query?: string }
  | { kind: 'time' }
  | { kind: 'greeting' }
  | { kind: 'weather' }
  | { kind: 'question'; query: string };

const HANDOFF = /\b(human|person|operator|real (?:person|agent)|representative|someone real|agent please)\b/i;
const CONTACTS = /\bcontacts?\b/i;
// "send a message to Ada Lovelace: see you at 3" / "… saying see you at 3"
const SEND = /\bsend (?:a )?(?:message|note) to ([^:]+?)(?::|,| saying)\s*(.+)$/is;
const TIME = /\b(what time|current time|time is it|today'?s date|what day)\b/i;
const GREETING = /^\s*(hi|hello|hey|good (?:morning|afternoon|evening))\b[\s!.,]*$/i;
// "Hello, how can you help me?" (the interact seed's own example) asks what the agent can do.
const CAPABILITIES = /\b(how (?:can|could|do|may) you help|what can you do|what do you do|who are you)\b/i;
const WEATHER = /\b(weather|forecast|temperature outside|raining|sunny)\b/i;
const CAN_DO = 'I can do arithmetic, look up contacts, search the help centre, or find you a human colleague.';
const CONTACT_FILLER = new Set(['get', 'all', 'list', 'show', 'me', 'find', 'search', 'look', 'up', 'for', 'the', 'a', 'my', 'named', 'called', 'contact', 'contacts', 'please', 'of', 'with', 'who', 'is']);

export function intentOf(request: string): Intent {
  if (HANDOFF.test(request) && /\b(talk|speak|chat|connect|transfer|want|need|get)\b/i.test(request)) return { kind: 'handoff' };
  const send = SEND.exec(request);
  if (send) return { kind: 'send', to: send[1]!.trim(), text: send[2]!.trim() };
  const expression = findExpression(request);
  if (expression) return { kind: 'arithmetic', expression };
  if (CONTACTS.test(request)) {
    const words = request.toLowerCase().replace(/[^\p{L}\p{N}@.\s-]/gu, ' ').split(/\s+/).filter((word) => word && !CONTACT_FILLER.has(word));
    return words.length > 0 ? { kind: 'contacts', query: words.join(' ') } : { kind: 'contacts' };
  }
  if (TIME.test(request)) return { kind: 'time' };
  if (GREETING.test(request) || CAPABILITIES.test(request) || request === GREETING_INSTRUCTION) return { kind: 'greeting' };
  if (WEATHER.test(request)) return { kind: 'weather' };
  return { kind: 'question', query: request };
}

/**
 * The built-in model's whole mind: deterministic rules from the prompt to a tool call or an answer.
 * It answers from this turn's observations once it has any, and falls back to the knowledge base.
 */
export function decide(view: PromptView, tools: ReadonlySet<string>, schemas: ReadonlyMap<string, unknown> = new Map()): Decision {
  const intent = intentOf(view.request);
  if (view.system.includes(PLANNING_INSTRUCTION)) return { kind: 'text', text: planFor(intent) };
  if (view.observations.length > 0 || view.system.includes(FINAL_ANSWER_INSTRUCTION)) {
    return { kind: 'text', text: answerFrom(view.observations) };
  }
  switch (intent.kind) {
    case 'handoff':
      if (tools.has('request_handoff')) return tool('request_handoff', { reason: `The user asked: "${view.request}"` });
      return text('I cannot reach a human colleague from here, but I am happy to help myself.');
    case 'send':
      if (tools.has('send_message')) return tool('send_message', { to: intent.to, text: intent.text });
      return text('I cannot send messages from here.');
    case 'arithmetic': {
      if (tools.has('calculator')) return tool('calculator', { expression: intent.expression });
      const result = evaluate(intent.expression);
      // An interactive action that takes one number (the seed's MathProblem) is chosen and filled in.
      const action = numericAction(schemas);
      if (action) return tool(action.name, { [action.field]: result });
      return text(`${intent.expression} = ${formatNumber(result)}`);
    }
    case 'contacts':
      if (tools.has('contacts')) return tool('contacts', intent.query ? { query: intent.query } : {});
      break;
    case 'time':
      if (tools.has('current_time')) return tool('current_time', {});
      break;
    case 'greeting':
      return text(`Hello! ${CAN_DO}`);
    case 'weather':
      return text(`I cannot check the weather: I have no weather service to ask. ${CAN_DO}`);
    case 'question':
      if (tools.has('knowledge_search')) return tool('knowledge_search', { query: intent.query });
      break;
  }
  return text('I am the built-in demo model and have no rule for that. Configure a real model provider for open questions.');
}

function numericAction(schemas: ReadonlyMap<string, unknown>): { name: string; field: string } | null {
  for (const [name, schema] of schemas) {
    const properties = Object.entries((schema as { properties?: Record<string, { type?: string }> } | undefined)?.properties ?? {});
    const [only] = properties;
    if (properties.length === 1 && only && (only[1].type === 'integer' || only[1].type === 'number')) return { name, field: only[0] };
  }
  return null;
}

function planFor(intent: Intent): string {
  const steps: Record<Intent['kind'], string> = {
    send: '1. Send the message with send_message, once the user approves it.\n2. Say whether it went.',
    handoff: '1. Hand the conversation to a human operator with request_handoff.\n2. Tell the user someone will reply.',
    arithmetic: '1. Evaluate the expression with the calculator.\n2. Give the result.',
    contacts: '1. Look the people up with the contacts tool.\n2. List what I found.',
    time: '1. Ask current_time for the date and time.\n2. Tell the user.',
    greeting: '1. Greet the user and say what I can do.',
    weather: '1. Say honestly that I cannot check the weather.\n2. Say what I can do instead.',
    question: '1. Search the knowledge base for the question.\n2. Answer from the passages found and cite their titles.',
  };
  return `Plan:\n${steps[intent.kind]}`;
}

const text = (value: string): Decision => ({ kind: 'text', text: value });
const tool = (name: string, input: Record<string, unknown>): Decision => ({ kind: 'tool', name, input });
