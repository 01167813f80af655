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
 * An owner's sessions whose execution waits on a question: the chat's `active_run` names the execution (it is
 * in flight), and of its questions and answers the last journaled is a question. No state beyond the log and the
 * chats row. A journal step is stored as `{"executionId":…,"kind":…,…}` (SessionJournal writes it so), and an
 * execution id is a UUID, so a LIKE on that prefix tells a step's kind exactly. The owner's chats come from
 * idx_chats_owner, their log entries from the (chat_id, type, seq) index; `<> 'text.delta'` lets both databases
 * use that partial index.
 */
const STEP = (kind: string) => `'{"executionId":"' || s.run_id || '","kind":"${kind}",%'`;
const WAITING_SQL = `
SELECT c.id AS session_id, q.seq AS seq, q.payload AS journal, q.created_at_ms AS asked_at_ms, s.payload AS started
FROM chats c
JOIN chat_events s ON s.chat_id = c.id AND s.type = 'session.started' AND s.type <> 'text.delta' AND 'session:' || s.run_id = c.active_run
JOIN chat_events q ON q.chat_id = c.id AND q.seq = (
  SELECT MAX(j.seq) FROM chat_events j
  WHERE j.chat_id = c.id AND j.type = 'journal' AND j.type <> 'text.delta' AND j.run_id = s.run_id
    AND (j.payload LIKE ${STEP('request')} OR j.payload LIKE ${STEP('answer')}))
WHERE c.owner_id = :owner AND c.active_run LIKE 'session:%' AND q.payload LIKE ${STEP('request')}
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
      question: (JSON.parse(row.journal) as { data: unknown }).data,
      askedAt: new Date(Number(row.asked_at_ms)),
      seq: Number(row.seq),
    }));
  }
}

interface WaitingRow {
  session_id: string;
  seq: number | string;
  journal: string;
  // node-pg returns bigint as a string.
  asked_at_ms: number | string;
  started: string;
}
