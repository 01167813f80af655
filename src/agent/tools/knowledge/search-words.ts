/**
 * Common English words that say nothing about what a passage is about. Dropped from queries on both
 * databases alike (PostgreSQL's 'english' configuration would drop most of them, SQLite's FTS5 none).
 */
const STOP_WORDS = new Set(
  `a about above after again all also am an and any are as at be been being both but by can could did do does
  doing down during each few for from further had has have having he her here hers him his how i if in into is
  it its itself just me more most my no nor not of off on once only or other our ours out over own please same
  she should so some such than that the their them then there these they this those through to too under until
  up very was we were what when where which while who whom why will with would you your yours`.split(/\s+/),
);

/** More words than any sensible question has; the rest are ignored so one call cannot build a huge query. */
const MAX_WORDS = 32;

/**
 * The plain words of a user's query: letters and digits only (so no FTS operator, quote, bracket or
 * column filter survives), lower-cased, without stop words, one-letter words or repeats, at most MAX_WORDS.
 * Each word is then safe to put in an FTS5 string or a to_tsquery operand as it is.
 */
export function searchWords(query: string): string[] {
  const words = query.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const kept = new Set(words.filter((word) => word.length > 1 && !STOP_WORDS.has(word)));
  return [...kept].slice(0, MAX_WORDS);
}
