import 'reflect-metadata';
import type { InteractiveContext } from '../agent/actions/interactive-context';

const ROUTER = Symbol('interactive-router');
const AGENT = Symbol('interactive-agent');

export type InteractiveHandler = (context: InteractiveContext) => Promise<void>;

/** Groups interactive agents under a path, like `WSRouter("/testing")`; the class must be a provider. */
export function InteractiveRouter(prefix: string): ClassDecorator {
  return (target) => Reflect.defineMetadata(ROUTER, prefix, target);
}

/** Mounts a method as an interactive agent at `prefix + path` below the base path, like `@router.agent("/interactive")`. */
export function InteractiveAgent(path: string): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(AGENT, path, descriptor.value as object);
  };
}

export function routerPrefix(target: object): string | undefined {
  return Reflect.getMetadata(ROUTER, target) as string | undefined;
}

export function agentPath(method: unknown): string | undefined {
  return typeof method === 'function' ? (Reflect.getMetadata(AGENT, method) as string | undefined) : undefined;
}

/** `/testing` + `interactive/` → `/testing/interactive`. */
export function joinRoute(...parts: string[]): string {
  return `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`;
}
