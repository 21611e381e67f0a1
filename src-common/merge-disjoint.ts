/**
 * Merges the calls (or events, or handlers) of the API's areas into one map, refusing a name two areas
 * both declare: an object spread would let the later area silently override the earlier one.
 */
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';
  constructor(
    readonly what: string,
    readonly duplicates: readonly { key: string; areas: readonly string[] }[],
  ) {
    super(`${what} declared by more than one area: ${duplicates.map((d) => `${d.key} (${d.areas.join(', ')})`).join('; ')}`);
  }
}

/** `parts` maps an area's name to its members; throws DuplicateNameError naming every clash. */
export function mergeDisjoint<P extends Record<string, object>>(what: string, parts: P): Intersection<P[keyof P]> {
  const owner = new Map<string, string[]>();
  const merged: Record<string, unknown> = {};
  for (const [area, members] of Object.entries(parts)) {
    for (const [key, value] of Object.entries(members)) {
      const areas = owner.get(key);
      if (areas) areas.push(area);
      else owner.set(key, [area]);
      merged[key] = value;
    }
  }
  const duplicates = [...owner].filter(([, areas]) => areas.length > 1).map(([key, areas]) => ({ key, areas }));
  if (duplicates.length) throw new DuplicateNameError(what, duplicates);
  return merged as Intersection<P[keyof P]>;
}
