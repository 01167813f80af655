import { Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import { Agent, Tool } from '../../src/agent/agent.decorators';
import type { AgentDefinition } from '../../src/agent/agent-definition';
import type { AgentTool } from '../../src/agent/tools/agent-tool';

const input = z.object({ to: z.string(), amount: z.number() });

/** What the tool really did: a payment that was rejected must never show up here. */
export const payments: Array<z.infer<typeof input>> = [];

/** A team's tool that needs approval for payments over 10; smaller ones go through at once. */
@Injectable()
@Tool()
export class PayTool implements AgentTool<typeof input> {
  readonly name = 'pay';
  readonly description = 'Pays someone.';
  readonly inputSchema = input;
  readonly needsApproval = (args: z.infer<typeof input>) => args.amount > 10;

  execute(args: z.infer<typeof input>): Promise<unknown> {
    payments.push(args);
    return Promise.resolve({ paid: args.amount, to: args.to });
  }
}

@Injectable()
@Agent()
export class PayerAgent implements AgentDefinition {
  readonly id = 'payer';
  readonly description = 'Pays people.';
  readonly systemPrompt = 'Pay who the user says.';
  readonly tools = ['pay', 'calculator'];
  readonly maxSteps = 4;
}

@Module({ providers: [PayTool, PayerAgent] })
export class ApprovalModule {}
