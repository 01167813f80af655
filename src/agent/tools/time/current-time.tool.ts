import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../../agent.decorators';
import type { AgentTool } from '../agent-tool';

const input = z.object({
  timeZone: z.string().max(64).optional().describe('An IANA time zone such as "Europe/Paris"; UTC when omitted'),
});

@Injectable()
@Tool()
export class CurrentTimeTool implements AgentTool<typeof input> {
  readonly name = 'current_time';
  readonly description = 'Tells the current date and time, in UTC or in a given IANA time zone.';
  readonly inputSchema = input;

  execute({ timeZone = 'UTC' }: z.infer<typeof input>): Promise<{ iso: string; timeZone: string; local: string }> {
    const now = new Date();
    // Intl throws a RangeError for an unknown zone, which the engine reports to the model as an observation.
    const local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(now);
    return Promise.resolve({ iso: now.toISOString(), timeZone, local });
  }
}
