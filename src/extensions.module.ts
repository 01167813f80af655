import { Module } from '@nestjs/common';

/**
 * Where a deployment adds its own modules: their `@Agent()`, `@Tool()` and `@InteractiveRouter` providers
 * are found at start-up wherever they are declared (docs/agents.md, docs/tools.md, docs/actions.md).
 * Add your module to `imports`; nothing else of ours needs to change.
 */
@Module({ imports: [] })
export class ExtensionsModule {}
