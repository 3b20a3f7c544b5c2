// Options as a caller gives them: any group, and any field of a group, left
// out for its declared default. Every driver fills its options here, so a
// default is written once, beside its group, and nowhere else.

/** An options object whose groups and fields may each be left out. */
export type Given<T> = { readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : Partial<T[K]> };

function isGroup(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Each group of `defaults` with the fields `given` sets (an undefined field
 * keeps its default). `defaults` names every group, so a key it lacks is a
 * caller's mistake — most likely an option given flat, as before options
 * were grouped (`{ atEnd: true }` for `{ instant: { atEnd: true } }`) —
 * and is refused rather than silently ignored.
 */
export function withDefaults<T extends object>(defaults: T, given: Given<T> = {}): T {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(defaults, key)) {
      throw new TypeError(`unknown option "${key}": the options are grouped as ${Object.keys(defaults).join(', ')}`);
    }
    if (value === undefined) continue;
    const base = out[key];
    if (!isGroup(base) || !isGroup(value)) {
      out[key] = value;
      continue;
    }
    const group: Record<string, unknown> = { ...base };
    for (const [field, v] of Object.entries(value)) if (v !== undefined) group[field] = v;
    out[key] = group;
  }
  return out as T;
}
