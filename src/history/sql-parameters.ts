type Style = 'sqlite' | 'postgres';

/** A template cut at its `:name` / `:...name` references, once per text and style. */
interface Plan {
  /** The text between references: one more than there are references. */
  pieces: string[];
  refs: Array<{ name: string; list: boolean; written: string }>;
  /** The bound text when every reference is a single value that the parameters name (the usual case). */
  text: string;
}

const REFERENCE = /:(\.\.\.)?([A-Za-z_]\w*)/g;
/** Templates are the repositories' literals: a handful per data source, so this stays small. */
const KEPT_PLANS = 1000;
const plans: Record<Style, Map<string, Plan>> = { sqlite: new Map(), postgres: new Map() };

/**
 * Binds `:name` (a value) and `:...name` (a list) to the driver's placeholders. Unlike the query builder's
 * escaping, which writes numbers into the SQL text on SQLite, every value is bound, so the text of a statement
 * stays the same from call to call and the driver's statement cache keeps it prepared. A template is parsed once
 * (the regex pass was a third of reading a chat's newest seq on a socket open).
 */
export function bindParameters(sql: string, parameters: Record<string, unknown>, style: Style): [string, unknown[]] {
  const plan = planOf(sql, style);
  const { refs } = plan;
  if (refs.every((ref) => !ref.list && Object.hasOwn(parameters, ref.name))) {
    return [plan.text, refs.map((ref) => parameters[ref.name])];
  }
  const values: unknown[] = [];
  let text = plan.pieces[0]!;
  refs.forEach((ref, index) => {
    // A name that is not a parameter (a PostgreSQL `::type` cast) stays as written.
    if (!Object.hasOwn(parameters, ref.name)) text += ref.written;
    else {
      const items = ref.list ? (parameters[ref.name] as unknown[]) : [parameters[ref.name]];
      text += items.map((item) => placeholder(style, values.push(item))).join(', ');
    }
    text += plan.pieces[index + 1]!;
  });
  return [text, values];
}

function planOf(sql: string, style: Style): Plan {
  const kept = plans[style];
  let plan = kept.get(sql);
  if (plan) return plan;
  const pieces: string[] = [];
  const refs: Plan['refs'] = [];
  let from = 0;
  for (const found of sql.matchAll(REFERENCE)) {
    pieces.push(sql.slice(from, found.index));
    refs.push({ name: found[2]!, list: found[1] !== undefined, written: found[0] });
    from = found.index + found[0].length;
  }
  pieces.push(sql.slice(from));
  const text = pieces.reduce((bound, piece, index) => bound + placeholder(style, index) + piece);
  plan = { pieces, refs, text };
  if (kept.size >= KEPT_PLANS) kept.clear();
  kept.set(sql, plan);
  return plan;
}

/** The driver's placeholder for the `position`-th value (1-based). */
function placeholder(style: Style, position: number): string {
  return style === 'postgres' ? `$${position}` : '?';
}
