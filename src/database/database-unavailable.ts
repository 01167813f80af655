import { CannotExecuteNotConnectedError, ConnectionIsNotSetError } from 'typeorm';

/** The HTTP error code of a request that failed because the database could not be reached. */
export const DATABASE_UNAVAILABLE = 'database.unavailable';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// SQLSTATE: too many connections, server shutting down or restarting (class 08 is checked as a class).
const PG_UNAVAILABLE = new Set(['53300', '57P01', '57P02', '57P03']);
// node-postgres reports a dropped or timed-out connection with these messages and no code.
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/**
 * Whether `error` (a TypeORM error, the driver error it wraps, or one of their causes) says the database
 * could not be reached, as opposed to refusing a query: the former is worth a retry, the latter is a bug.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (error instanceof ConnectionIsNotSetError || error instanceof CannotExecuteNotConnectedError) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK.has(code) || PG_UNAVAILABLE.has(code) || /^08/.test(code) || code.startsWith('SQLITE_CANTOPEN'))) {
    return true;
  }
  if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
  const { driverError, cause, errors } = error as { driverError?: unknown; cause?: unknown; errors?: unknown };
  const inner = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((next) => isDatabaseUnavailable(next, depth + 1));
}
