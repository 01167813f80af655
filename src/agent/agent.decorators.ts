import 'reflect-metadata';

const TOOL = Symbol('agent-tool');
const AGENT = Symbol('agent-definition');

/**
 * Marks a provider as a tool agents may name: its class implements `AgentTool`. Found in any module at
 * start-up, like `@InteractiveRouter`, so a team's module registers tools without touching ours.
 */
export function Tool(): ClassDecorator {
  return (target) => Reflect.defineMetadata(TOOL, true, target);
}

/** Marks a provider as an agent: its class implements `AgentDefinition`. Found in any module at start-up. */
export function Agent(): ClassDecorator {
  return (target) => Reflect.defineMetadata(AGENT, true, target);
}

export function isTool(target: object): boolean {
  return Reflect.getMetadata(TOOL, target) === true;
}

export function isAgent(target: object): boolean {
  return Reflect.getMetadata(AGENT, target) === true;
}
