import type { Pool } from 'pg';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { LoopTurnBatch, type LogWrites, type QueuedWrite, type WriteArgs } from './log-writes';

/**
 * Every write of the batch in one statement, so one round trip: each chat's fence checked and its row updated, then
 * the rows of the chats that passed (none of a chat fenced out). The writes come as one JSON document: the driver
 * escaped every element of a text array in JavaScript, which cost more than the statement.
 */
const WRITE_CHATS = `
WITH w AS (
  SELECT * FROM json_to_recordset($1::json)
    AS w(chat_id varchar, fence bigint, last_seq integer, set_run boolean, active_run varchar, events json)
), chat AS (
  UPDATE chats
  SET writer_fence = w.fence,
      last_seq = COALESCE(w.last_seq, chats.last_seq),
      active_run = CASE WHEN w.set_run THEN w.active_run ELSE chats.active_run END
  FROM w
  WHERE chats.id = w.chat_id AND chats.writer_fence <= w.fence
  RETURNING chats.id
), stored AS (
  INSERT INTO chat_events (chat_id, seq, run_id, type, payload, created_at_ms)
  SELECT w.chat_id, e.seq, e.run_id, e.type, e.payload, e.created_at_ms
  FROM w JOIN chat ON chat.id = w.chat_id,
    LATERAL json_to_recordset(w.events) AS e(seq integer, run_id varchar, type varchar, payload text, created_at_ms bigint)
)
SELECT id FROM chat`;

const WRITES_PER_STATEMENT = 200;

/**
 * The writes asked for in one turn of the event loop (several chats' appends and delta flushes under load) go to
 * PostgreSQL as one statement: the driver's work per query (binding, parsing the answer, the pool's hand-over) cost
 * more than the rows. A statement is atomic, so when PostgreSQL refuses it (one chat's rows break the log's key, a
 * deadlock with another instance) nothing of it was stored, and each write is tried again alone: only the faulty
 * one fails.
 */
export class PostgresLogWrites implements LogWrites {
  private readonly batch = new LoopTurnBatch((queued) => void this.writeQueued(queued));

  constructor(private readonly pool: Pool) {}

  write(...args: WriteArgs): Promise<boolean> {
    return this.batch.add(args);
  }

  private async writeQueued(queued: QueuedWrite[]): Promise<void> {
    // A chat is updated once per statement: its second write of the batch goes in a later one, in order. A statement
    // holds at most WRITES_PER_STATEMENT writes, so that a thousand streams' flushes do not make one huge document.
    const rounds: QueuedWrite[][] = [];
    const nextRound = new Map<string, number>();
    for (const write of queued) {
      let round = nextRound.get(write.args[0]) ?? 0;
      while ((rounds[round]?.length ?? 0) >= WRITES_PER_STATEMENT) round += 1;
      nextRound.set(write.args[0], round + 1);
      (rounds[round] ??= []).push(write);
    }
    for (const round of rounds) await this.writeRound(round);
  }

  private async writeRound(round: QueuedWrite[]): Promise<void> {
    try {
      const owned = await this.statement(round);
      for (const write of round) write.resolve(owned.has(write.args[0]));
    } catch (error) {
      // Without a database the writes alone would fail the same way, each after its own wait for a connection.
      if (round.length === 1 || isDatabaseUnavailable(error)) for (const write of round) write.reject(error);
      else await Promise.all(round.map((write) => this.writeRound([write])));
    }
  }

  private async statement(round: QueuedWrite[]): Promise<Set<string>> {
    const writes = round.map(({ args: [chatId, fence, events, activeRun] }) => ({
      chat_id: chatId,
      fence,
      last_seq: events.at(-1)?.seq ?? null,
      set_run: activeRun !== undefined,
      active_run: activeRun ?? null,
      events: events.map((event) => ({ seq: event.seq, run_id: event.runId, type: event.type, payload: JSON.stringify(event.payload ?? null), created_at_ms: event.createdAt.getTime() })),
    }));
    // A payload goes as JSON text inside the document: as a json field PostgreSQL would refuse one holding \u0000
    // (its text type cannot hold that character). Named: each pooled connection parses and plans the statement once.
    const result = await this.pool.query<{ id: string }>({ name: 'agw_log_writes', text: WRITE_CHATS, values: [JSON.stringify(writes)] });
    return new Set(result.rows.map((row) => row.id));
  }
}
