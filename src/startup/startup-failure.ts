import type { AppConfig } from '../config/app-config';

/** A dependency the server needs at start did not answer; `setting` is what the operator should check. */
export class DependencyUnreachable extends Error {
  constructor(
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);
// PostgreSQL's own codes for a wrong user, password or database name in the URL.
const PG_CONFIG = new Set(['28P01', '28000', '3D000']);

/**
 * What an operator can do about a failed start, in one line naming the setting to change; null when the
 * failure is not one we recognise (the stack is then the best help).
 */
export function startupHint(error: unknown, config: AppConfig): string | null {
  const causes = causesOf(error);
  const unreachable = causes.find((cause): cause is DependencyUnreachable => cause instanceof DependencyUnreachable);
  if (unreachable) return `${unreachable.message}: check ${unreachable.setting}`;
  const where = `${config.http.host}:${config.http.port}`;
  for (const cause of causes) {
    const { code, syscall } = cause as { code?: string; syscall?: string };
    if (code === 'EADDRINUSE') return `Port ${where} is already in use: set PORT (or HOST) to a free one, or stop what holds it`;
    if (code === 'EACCES' && syscall === 'listen') return `Port ${where} needs privileges this process lacks: set PORT to 1024 or above`;
    if (code === 'EADDRNOTAVAIL') return `${config.http.host} is not an address of this machine: check HOST`;
  }
  const database = config.database.type === 'postgres' ? 'PostgreSQL' : 'SQLite';
  for (const cause of causes) {
    const { code } = cause as { code?: string };
    if (code && (NETWORK.has(code) || PG_CONFIG.has(code))) return `${database} refused or did not answer (${(cause as Error).message}): check DATABASE_URL`;
    if (config.database.type === 'postgres' && /connection timeout/i.test((cause as Error).message ?? '')) {
      return `PostgreSQL did not answer within DATABASE_CONNECT_TIMEOUT_MS: check DATABASE_URL`;
    }
    if (code?.startsWith('SQLITE_CANTOPEN')) return `The SQLite file cannot be opened (${(cause as Error).message}): check DATABASE_URL or DATA_DIR`;
  }
  return null;
}

/** The error, its causes and the errors an AggregateError carries (a refused connection to each address). */
function causesOf(error: unknown, seen = new Set<unknown>()): unknown[] {
  if (error === null || error === undefined || seen.has(error)) return [];
  seen.add(error);
  const nested = [
    ...((error as { errors?: unknown[] }).errors ?? []),
    ...((error as { cause?: unknown }).cause === undefined ? [] : [(error as { cause: unknown }).cause]),
  ];
  return [error, ...nested.flatMap((inner) => causesOf(inner, seen))];
}
