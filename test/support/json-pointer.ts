export type Json = Record<string, unknown>;

/** Follows a contract's local `$ref`s (`#/components/…`) to the node they name; other nodes come back as they are. */
export function resolveRef(document: Json, node: unknown, source: string): Json {
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return node as Json;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, key) => (at as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  if (target === undefined) throw new Error(`${source}: unresolved ${ref}`);
  return resolveRef(document, target, source);
}
