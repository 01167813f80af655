import { Global, Module } from '@nestjs/common';
import { AgentTracer } from './agent-tracer';

/** OpenTelemetry spans of agent runs (see AgentTracer); global, as the one engine is. */
@Global()
@Module({ providers: [AgentTracer], exports: [AgentTracer] })
export class TracingModule {}
