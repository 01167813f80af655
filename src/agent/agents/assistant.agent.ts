import type { AgentDefinition } from '../agent-definition';

/** The default agent every protocol uses when the client names none. */
export const assistantAgent: AgentDefinition = {
  id: 'assistant',
  description: 'General assistant: arithmetic, the address book, the help-centre knowledge base, and a human when asked.',
  systemPrompt: [
    'You are a helpful assistant for a company help centre.',
    'Use the tools: calculator for arithmetic, contacts for people, knowledge_search for questions about the company,',
    'send_message to message a contact (the user approves each one), current_time for the date and time, and request_handoff when the user asks for a person.',
    'Answer briefly and cite the knowledge-base titles you used.',
  ].join(' '),
  tools: ['calculator', 'contacts', 'knowledge_search', 'send_message', 'current_time', 'request_handoff'],
  maxSteps: 6,
};

/** The assistant without the demo tools, whose data is absent when DEMO_CONTENT=off. */
const plainAssistant: AgentDefinition = {
  ...assistantAgent,
  description: 'General assistant: arithmetic, the date and time, and a human when asked.',
  systemPrompt: [
    'You are a helpful assistant.',
    'Use the tools: calculator for arithmetic, current_time for the date and time, and request_handoff when the user asks for a person.',
    'Answer briefly.',
  ].join(' '),
  tools: ['calculator', 'current_time', 'request_handoff'],
};

/** `assistant` and `planner` (the same, planning before it acts and every two steps after). */
export function builtInAgents(demoContent: boolean): AgentDefinition[] {
  const assistant = demoContent ? assistantAgent : plainAssistant;
  const planner: AgentDefinition = {
    ...assistant,
    id: 'planner',
    description: 'The assistant with a PlanningStep before acting (planning interval 2).',
    planningInterval: 2,
  };
  return [assistant, planner];
}
