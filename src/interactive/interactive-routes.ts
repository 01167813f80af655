import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { agentPath, joinRoute, routerPrefix, type InteractiveHandler } from './router.decorators';

/** Every `@InteractiveAgent` of every `@InteractiveRouter` provider, by route (without the base path). */
@Injectable()
export class InteractiveRoutes implements OnModuleInit {
  private readonly logger = new Logger('InteractiveRoutes');
  private readonly handlers = new Map<string, InteractiveHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      const prefix = instance?.constructor ? routerPrefix(instance.constructor) : undefined;
      if (!instance || prefix === undefined) continue;
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const path = agentPath(instance[name]);
        if (path === undefined) continue;
        const route = joinRoute(prefix, path);
        if (this.handlers.has(route)) throw new Error(`Two interactive agents are mounted at ${route}`);
        this.handlers.set(route, (instance[name] as InteractiveHandler).bind(instance));
        this.logger.log(`Interactive agent mounted at ${route}`);
      }
    }
  }

  find(route: string): InteractiveHandler | undefined {
    return this.handlers.get(joinRoute(route));
  }
}
