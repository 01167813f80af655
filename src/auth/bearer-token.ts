import type { IncomingHttpHeaders } from 'node:http';

/** The token in an `Authorization: Bearer …` header, or null. */
export function bearerFromHeaders(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? null;
}
