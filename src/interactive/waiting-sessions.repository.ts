import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bindParameters } from '../history/sql-parameters';

export interface WaitingSessionRow {
  sessionId: string;
  route: string;
  question: unknown;
  askedAt: Date;
  seq: number;
}

/**
 * An owner's sessions whose execution waits on a question: the chat's `active_run` names the execution (in flight,
 * or dormant: waiting in the log alone), and of its `input.requested` and `input.received` events the last is a question. No state beyond the log
 * and the chats row. The owner's chats come from idx_chats_owner, their log entries from the (chat_id, type, seq)
 * index; `<> 'text.delta'` lets both databases use that partial index. An execution started before executions ran
 * as runs began with `session.started`; its pending question is logged again as `input.requested` when it resumes.
 */
const WAITING_SQL = `
SELECT c.id AS session_id, q.seq AS seq, q.payload AS question, q.created_at_ms AS asked_at_ms, s.payload AS started
FROM chats c
JOIN chat_events s ON s.chat_id = c.id AND s.type IN ('run.started', 'session.started') AND s.type <> 'text.delta'
  AND c.active_run IN ('session:' || s.run_id, 'dormant:' || s.run_id)
JOIN chat_events q ON q.chat_id = c.id AND q.seq = (
  SELECT MAX(j.seq) FROM chat_events j
  WHERE j.chat_id = c.id AND j.type IN ('input.requested', 'input.received') AND j.type <> 'text.delta' AND j.run_id = s.run_id)
WHERE c.owner_id = :owner AND (c.active_run LIKE 'session:%' OR c.active_run LIKE 'dormant:%') AND q.type = 'input.requested'
ORDER BY q.created_at_ms DESC, c.id ASC
LIMIT :limit OFFSET :offset`;

@Injectable()
export class WaitingSessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest question first. */
  async waiting(owner: string, page: { limit: number; offset: number }): Promise<WaitingSessionRow[]> {
    const [sql, values] = bindParameters(WAITING_SQL, { owner, ...page }, this.db.options.type === 'postgres' ? 'postgres' : 'sqlite');
    const rows = await this.db.query<WaitingRow[]>(sql, values);
    return rows.map((row) => ({
      sessionId: row.session_id,
      route: (JSON.parse(row.started) as { route: string }).route,
      question: (JSON.parse(row.question) as { payload: unknown }).payload,
      askedAt: new Date(Number(row.asked_at_ms)),
      seq: Number(row.seq),
    }));
  }
}

interface WaitingRow {
  session_id: string;
  seq: number | string;
  question: string;
  // node-pg returns bigint as a string.
  asked_at_ms: number | string;
  started: string;
}
