import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { Agent, Tool } from '../../src/agent/agent.decorators';
import type { AgentDefinition } from '../../src/agent/agent-definition';
import type { InteractiveContext } from '../../src/agent/actions/interactive-context';
import type { AgentTool, ToolContext } from '../../src/agent/tools/agent-tool';
import { InteractiveAgent, InteractiveRouter } from '../../src/interactive/router.decorators';

/**
 * A team's own module, written as docs/agents.md and docs/tools.md show: a tool calling an HTTP API whose
 * address is injected, an agent with its own instructions and model, and an interactive router.
 */

export const WEATHER_API = Symbol('WEATHER_API');

export interface WeatherApiOptions {
  baseUrl: string;
}

const input = z.object({
  city: z.string().min(1).max(100).describe('The city, e.g. "Lisbon"'),
});

export interface Forecast {
  city: string;
  summary: string;
  highC: number;
}

@Injectable()
@Tool()
export class ForecastTool implements AgentTool<typeof input> {
  readonly name = 'forecast';
  readonly description = "Today's weather forecast for a city.";
  readonly inputSchema = input;

  constructor(@Inject(WEATHER_API) private readonly api: WeatherApiOptions) {}

  async execute({ city }: z.infer<typeof input>, { signal }: ToolContext): Promise<Forecast> {
    const response = await fetch(`${this.api.baseUrl}/forecast?city=${encodeURIComponent(city)}`, { signal });
    if (!response.ok) throw new Error(`The weather service answered ${response.status} for ${city}`);
    return (await response.json()) as Forecast;
  }
}

@Injectable()
@Agent()
export class WeatherAgent implements AgentDefinition {
  readonly id = 'weather';
  readonly description = 'Answers questions about the weather.';
  readonly systemPrompt = 'You are a weather assistant. Call forecast for the city the user names, then answer in one sentence.';
  readonly model = 'weather-model';
  readonly tools = ['forecast', 'current_time'];
  readonly maxSteps = 3;
}

@Injectable()
@InteractiveRouter('/weather')
export class WeatherRouter {
  @InteractiveAgent('/hello')
  async hello(context: InteractiveContext): Promise<void> {
    await context.notify({ message: `Hello ${context.user.sub}, ask me about the weather.` });
  }
}

@Module({})
export class WeatherModule {
  static forRoot(api: WeatherApiOptions): DynamicModule {
    return { module: WeatherModule, providers: [{ provide: WEATHER_API, useValue: api }, ForecastTool, WeatherAgent, WeatherRouter] };
  }
}
