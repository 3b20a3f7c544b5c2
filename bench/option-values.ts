// Values of the bench's command-line options (lists, event counts, whole
// numbers), shared by the plain bench (bench/run.ts) and the A/B compare
// (bench/compare/options.ts), so both spell and check them alike.

/** A comma-separated list, each value one of `allowed` (the fallback when absent). */
export function listOption(text: string | undefined, fallback: readonly string[], allowed: readonly string[], name: string): string[] {
  const values = text === undefined ? [...fallback] : text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const v of values) if (!allowed.includes(v)) throw new Error(`--${name} ${v}: expected some of ${allowed.join(',')}`);
  if (values.length === 0) throw new Error(`--${name}: expected some of ${allowed.join(',')}`);
  return values;
}

/** An event count such as 5000000, 5M or 500k (at least 1000). */
export function eventCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1e3 : 1e6);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--events ${text}: expected whole numbers >= 1000 (e.g. 5000000 or 5M)`);
  return n;
}

/** A whole number in [min, max] given as text. */
export function wholeNumber(text: string, min: number, max: number, name: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} ${text}: expected a whole number from ${min} to ${max}`);
  return n;
}
