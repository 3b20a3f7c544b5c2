// Pickles assembled by hand for tests: each part is a byte (number), latin-1
// text (string), raw bytes, or a nested list of parts.

export function pk(...parts: (number | string | Uint8Array | (number | string)[])[]): Uint8Array {
  const out: number[] = [];
  const add = (part: number | string | Uint8Array | (number | string)[]): void => {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (const c of Buffer.from(part, 'latin1')) out.push(c);
    else if (part instanceof Uint8Array) out.push(...part);
    else part.forEach(add);
  };
  parts.forEach(add);
  return Uint8Array.from(out);
}
export const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
export const u64 = (lo: number, hi: number): number[] => [...u32(lo), ...u32(hi)];

