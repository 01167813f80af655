/**
 * Binds `:name` (a value) and `:...name` (a list) to the driver's placeholders. Unlike the query builder's
 * escaping, which writes numbers into the SQL text on SQLite, every value is bound, so the text of a statement
 * stays the same from call to call and the driver's statement cache keeps it prepared.
 */
export function bindParameters(sql: string, parameters: Record<string, unknown>, style: 'sqlite' | 'postgres'): [string, unknown[]] {
  const values: unknown[] = [];
  const text = sql.replace(/:(\.\.\.)?([A-Za-z_]\w*)/g, (written, list: string | undefined, name: string) => {
    // A name that is not a parameter (a PostgreSQL `::type` cast) stays as written.
    if (!Object.hasOwn(parameters, name)) return written;
    const items = list ? (parameters[name] as unknown[]) : [parameters[name]];
    return items
      .map((item) => {
        values.push(item);
        return style === 'postgres' ? `$${values.length}` : '?';
      })
      .join(', ');
  });
  return [text, values];
}
