import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { searchWords } from './search-words';

export interface KnowledgeHit {
  sourceId: string;
  title: string;
  passage: string;
  /** Relevance, higher is better; only comparable within one search on one database. */
  score: number;
}

/**
 * Full-text search over the help-centre passages: FTS5 with bm25 on SQLite, tsvector with ts_rank on
 * PostgreSQL. A title match weighs more than a body match on both. Any word of the query may match (OR),
 * so a wordy question still finds passages; the best matches come first.
 */
@Injectable()
export class KnowledgeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async search(query: string, limit: number): Promise<KnowledgeHit[]> {
    const words = searchWords(query);
    const take = Math.floor(limit);
    if (words.length === 0 || !(take > 0)) return [];
    const [sql, params] =
      this.db.options.type === 'postgres'
        ? // to_tsquery syntax is safe here: every word is letters and digits only.
          this.prepare(POSTGRES_SEARCH, { query: words.join(' | '), limit: take })
        : // Each word quoted is an FTS5 string, never an operator (OR, NEAR, column filter).
          this.prepare(SQLITE_SEARCH, { query: words.map((word) => `"${word}"`).join(' OR '), limit: take });
    const rows = await this.db.query<Array<Omit<KnowledgeHit, 'score'> & { score: number | string }>>(sql, params);
    return rows.map((row) => ({ sourceId: row.sourceId, title: row.title, passage: row.passage, score: Number(row.score) }));
  }

  private prepare(sql: string, parameters: Record<string, unknown>): [string, unknown[]] {
    return this.db.driver.escapeQueryWithParameters(sql, parameters);
  }
}

// bm25() is lower for better matches, so its negation is the score; the title column weighs twice the body.
const SQLITE_SEARCH = `
  SELECT p.source_id AS "sourceId", p.title AS "title", p.body AS "passage", -bm25(knowledge_fts, 2.0, 1.0) AS "score"
  FROM knowledge_fts JOIN knowledge_passages p ON p.id = knowledge_fts.rowid
  WHERE knowledge_fts MATCH :query
  ORDER BY bm25(knowledge_fts, 2.0, 1.0), p.id
  LIMIT :limit`;

// The document expression is exactly the one idx_knowledge_passages_fts indexes (see the DemoTools migration).
const POSTGRES_DOCUMENT = `(setweight(to_tsvector('english', p.title), 'A') || setweight(to_tsvector('english', p.body), 'B'))`;
const POSTGRES_SEARCH = `
  SELECT p.source_id AS "sourceId", p.title AS "title", p.body AS "passage", ts_rank(${POSTGRES_DOCUMENT}, q.query) AS "score"
  FROM knowledge_passages p, to_tsquery('english', :query) AS q(query)
  WHERE ${POSTGRES_DOCUMENT} @@ q.query
  ORDER BY "score" DESC, p.id
  LIMIT :limit`;
