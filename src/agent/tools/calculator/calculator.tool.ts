import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../../agent.decorators';
import type { AgentTool } from '../agent-tool';
import { evaluate, formatNumber } from './arithmetic';

const input = z.object({ expression: z.string().min(1).max(500).describe('An arithmetic expression, e.g. "12 * (3 + 4)"') });

@Injectable()
@Tool()
export class CalculatorTool implements AgentTool<typeof input> {
  readonly name = 'calculator';
  readonly description = 'Evaluates an arithmetic expression with + - * / % ^ and parentheses.';
  readonly inputSchema = input;

  execute({ expression }: z.infer<typeof input>): Promise<{ expression: string; result: string }> {
    return Promise.resolve({ expression, result: formatNumber(evaluate(expression)) });
  }
}
