import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../../agent.decorators';
import type { AgentTool } from '../agent-tool';

const input = z.object({ reason: z.string().min(1).max(500).describe('Why a human should take over') });

/** Asks for a human: the engine emits a `handoff` event, and protocols mark the conversation as handed off. */
@Injectable()
@Tool()
export class RequestHandoffTool implements AgentTool<typeof input> {
  readonly name = 'request_handoff';
  readonly description = 'Hands the conversation to a human operator when the user asks for a person or the agent cannot help.';
  readonly inputSchema = input;
  readonly handsOff = true;

  execute({ reason }: z.infer<typeof input>): Promise<{ status: 'handed_off'; reason: string }> {
    return Promise.resolve({ status: 'handed_off', reason });
  }
}
