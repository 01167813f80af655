import type { Observation } from './builtin-prompt';

interface ContactRow {
  name: string;
  email: string;
  phone: string;
  company: string;
  title: string;
}
interface KnowledgeRow {
  sourceId: string;
  title: string;
  passage: string;
}

// What the engine tells the model of a rejected call (rejectedOutcome).
const REJECTED = 'The user rejected this call: ';

/** Words for what the tools returned this turn; the last observation is the one the answer is about. */
export function answerFrom(observations: Observation[]): string {
  const last = observations.at(-1);
  if (!last) return 'I could not find anything to answer with.';
  if (!last.ok && typeof last.value === 'string' && last.value.startsWith(REJECTED)) return `I did not do it: ${last.value.slice(REJECTED.length)}`;
  if (!last.ok) return `Sorry, the ${last.toolName} tool failed: ${errorText(last.value)}`;
  switch (last.toolName) {
    case 'calculator': {
      const { expression, result } = last.value as { expression: string; result: string };
      return `${expression} = ${result}. The answer is ${result}.`;
    }
    case 'contacts':
      return contactsAnswer(last.value as ContactRow[]);
    case 'knowledge_search':
      return knowledgeAnswer(last.value as KnowledgeRow[]);
    case 'current_time': {
      const { local, timeZone } = last.value as { local: string; timeZone: string };
      return `It is ${local} (${timeZone}).`;
    }
    case 'send_message': {
      const { to, email, text } = last.value as { to: string; email: string; text: string };
      return `Sent to ${to} (${email}): "${text}"`;
    }
    case 'request_handoff':
      return 'I have asked a human colleague to take over. Someone will reply here shortly.';
    default:
      return `The ${last.toolName} tool returned: ${JSON.stringify(last.value)}`;
  }
}

function contactsAnswer(contacts: ContactRow[]): string {
  if (contacts.length === 0) return 'I found no contacts matching that.';
  const lines = contacts.map((c) => `- ${c.name}, ${c.title} at ${c.company} — ${c.email}, ${c.phone}`);
  return `I found ${contacts.length} contact${contacts.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

function knowledgeAnswer(hits: KnowledgeRow[]): string {
  if (hits.length === 0) return 'I could not find anything about that in the knowledge base.';
  const [best] = hits;
  const sources = hits.map((hit) => `[${hit.sourceId}] ${hit.title}`).join('; ');
  return `${best!.passage}\n\nSources: ${sources}`;
}

function errorText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
