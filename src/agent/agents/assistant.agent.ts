import type { AgentDefinition } from '../agent-definition';

/** The default agent every protocol uses when the client names none. */
export const assistantAgent: AgentDefinition = {
  id: 'assistant',
  description: 'General assistant: arithmetic, the address book, the help-centre knowledge base, and a human when asked.',
  systemPrompt: [
    'You are a helpful assistant for a company help centre.',
    'Use the tools: calculator for arithmetic, contacts for people, knowledge_search for questions about the company,',
    'current_time for the date and time, and request_handoff when the user asks for a person.',
    'Answer briefly and cite the knowledge-base titles you used.',
  ].join(' '),
  tools: ['calculator', 'contacts', 'knowledge_search', 'current_time', 'request_handoff'],
  maxSteps: 6,
};

/** The same assistant, planning before it acts and every two steps after. */
export const plannerAgent: AgentDefinition = {
  ...assistantAgent,
  id: 'planner',
  description: 'The assistant with a PlanningStep before acting (planning interval 2).',
  planningInterval: 2,
};
