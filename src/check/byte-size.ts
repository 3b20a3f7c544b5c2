// Byte counts as people write them in budgets: 1048576, "64 MiB", "1.5GB".
// Binary units (KiB, MiB, GiB) are powers of 1024, decimal ones (kB, MB, GB)
// powers of 1000; a bare number is bytes.

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** The byte count, or undefined when the text is not one. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (m === null) return undefined;
  const unit = m[2]!.toLowerCase();
  const scale = unit === '' ? 1 : UNITS[unit];
  if (scale === undefined) return undefined;
  const n = Math.round(Number(m[1]) * scale);
  return Number.isSafeInteger(n) ? n : undefined;
}
