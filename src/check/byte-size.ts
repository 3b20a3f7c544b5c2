// Byte counts as people write them in budgets: 1048576, "64 MiB", "1.5GB".
// Binary units (KiB, MiB, GiB) are powers of 1024, decimal ones (kB, MB, GB)
// powers of 1000; a bare number is bytes. The result must be a whole number
// of bytes ("0.5" and "0.3 KiB" are refused, not rounded): a budget shown as
// "<= 1 B" must be the budget that was given.

const UNITS: Record<string, bigint> = {
  b: 1n,
  kb: 1000n,
  mb: 1000n ** 2n,
  gb: 1000n ** 3n,
  tb: 1000n ** 4n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
};

/** The byte count, or undefined when the text is not a whole number of bytes. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([a-z]*)\s*$/i.exec(value);
  if (m === null) return undefined;
  const scale = UNITS[m[3]!.toLowerCase() || 'b'];
  if (scale === undefined) return undefined;
  // Exact decimal arithmetic: "1.1 GB" is 11 × 10^9 / 10, with no float error.
  const fraction = m[2] ?? '';
  const scaled = BigInt(m[1]! + fraction) * scale;
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) return undefined;
  const n = Number(scaled / divisor);
  return Number.isSafeInteger(n) ? n : undefined;
}
