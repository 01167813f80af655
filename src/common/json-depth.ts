/**
 * How deep a request body or WebSocket frame may nest. Ours nest a few levels (lightConvoData, visualPayload);
 * recursive code downstream does not cope with thousands (class-transformer overflows its stack near 3,000,
 * JSON.stringify near 10,000), and JSON.parse alone accepts them.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether parsed JSON nests objects and arrays deeper than `max` levels; walks without recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  // Each entry: a value and how many objects or arrays enclose it.
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, enclosing] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (enclosing >= max) return true;
    for (const child of Object.values(node)) pending.push([child, enclosing + 1]);
  }
  return false;
}
