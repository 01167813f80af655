import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Source } from '../../run-events';
import { Tool } from '../../agent.decorators';
import type { AgentTool } from '../agent-tool';
import { KnowledgeRepository, type KnowledgeHit } from './knowledge.repository';

const input = z.object({
  query: z.string().min(1).max(500).describe('What to look for, in plain words'),
  limit: z.number().int().min(1).max(10).optional().describe('At most this many passages (default 3)'),
});

@Injectable()
@Tool()
export class KnowledgeSearchTool implements AgentTool<typeof input> {
  readonly name = 'knowledge_search';
  readonly description = 'Full-text search over the help-centre knowledge base; returns passages with their source ids and titles.';
  readonly inputSchema = input;

  constructor(private readonly knowledge: KnowledgeRepository) {}

  execute({ query, limit = 3 }: z.infer<typeof input>): Promise<KnowledgeHit[]> {
    return this.knowledge.search(query, limit);
  }

  sourcesOf(output: unknown): Source[] {
    const hits = output as KnowledgeHit[];
    return hits.map((hit) => ({ id: hit.sourceId, title: hit.title }));
  }
}
