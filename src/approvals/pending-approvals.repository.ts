import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bindParameters } from '../history/sql-parameters';

export interface ApprovalRow {
  approvalId: string;
  chatId: string;
  messageId: string;
  tool: string;
  args: unknown;
  requestedAt: Date;
  decided: boolean;
}

/**
 * The requests and decisions of the runs an owner's chats have in flight (the chats row's `active_run`): a run that
 * ended waits for nothing. Requests and decisions are told apart here, not in SQL: JSON differs between the two
 * databases, and a run holds few of them. The (chat_id, type, seq) partial index serves the log side.
 */
const IN_FLIGHT_SQL = `
SELECT e.chat_id AS chat_id, e.type AS type, e.payload AS payload, e.created_at_ms AS at_ms
FROM chats c
JOIN chat_events e ON e.chat_id = c.id AND e.type IN ('approval.requested', 'approval.decided') AND e.type <> 'text.delta'
  AND 'turn:' || e.run_id = c.active_run
WHERE c.owner_id = :owner AND c.active_run LIKE 'turn:%'
ORDER BY e.created_at_ms ASC, e.seq ASC`;

/** One request of an owner's chats by id, whether or not its run still waits; LIKE finds candidates, the payload decides. */
const ONE_SQL = `
SELECT e.chat_id AS chat_id, e.type AS type, e.payload AS payload, e.created_at_ms AS at_ms
FROM chats c
JOIN chat_events e ON e.chat_id = c.id AND e.type = 'approval.requested' AND e.type <> 'text.delta' AND e.payload LIKE :pattern ESCAPE '\\'
WHERE c.owner_id = :owner`;

/** All SQL of the approvals REST API; the same statements run on SQLite and PostgreSQL. */
@Injectable()
export class PendingApprovalsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Oldest request first; `decided` ones are left out. */
  async pending(owner: string): Promise<ApprovalRow[]> {
    const rows = (await this.query(IN_FLIGHT_SQL, { owner })).map(toRow);
    const decided = new Set(rows.filter((row) => row.decided).map((row) => row.approvalId));
    return rows.filter((row) => !row.decided && !decided.has(row.approvalId));
  }

  /** The request with this id in one of the owner's chats; null for an unknown id or another user's. */
  async find(owner: string, approvalId: string): Promise<ApprovalRow | null> {
    const pattern = `%${`"approvalId":${JSON.stringify(approvalId)}`.replace(/[\\%_]/g, '\\$&')}%`;
    const rows = (await this.query(ONE_SQL, { owner, pattern })).map(toRow);
    return rows.find((row) => row.approvalId === approvalId) ?? null;
  }

  private query(sql: string, parameters: Record<string, unknown>): Promise<EventRow[]> {
    const [query, values] = bindParameters(sql, parameters, this.db.options.type === 'postgres' ? 'postgres' : 'sqlite');
    return this.db.query<EventRow[]>(query, values);
  }
}

interface EventRow {
  chat_id: string;
  type: string;
  payload: string;
  // node-pg returns bigint as a string.
  at_ms: number | string;
}

function toRow(row: EventRow): ApprovalRow {
  const payload = JSON.parse(row.payload) as { approvalId: string; messageId: string; tool?: string; args?: unknown };
  return {
    approvalId: payload.approvalId,
    chatId: row.chat_id,
    messageId: payload.messageId,
    tool: payload.tool ?? '',
    args: payload.args ?? null,
    requestedAt: new Date(Number(row.at_ms)),
    decided: row.type === 'approval.decided',
  };
}
