import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as UTC epoch milliseconds in a bigint: one unambiguous column type on SQLite and
 * PostgreSQL alike, immune to server and session time zones. The API formats them as ISO 8601 UTC.
 */
export const epochMs: ValueTransformer = {
  to: (value: Date | undefined) => value?.getTime(),
  // node-pg returns bigint as a string; SQLite returns a number.
  from: (value: string | number | null) => (value === null ? null : new Date(Number(value))),
};
