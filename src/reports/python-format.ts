// Python's printf-style number formatting where it differs from JS:
// '%.Nf' rounds the exact binary value of the double half-to-even
// (10.25 -> '10.2'), while Number.prototype.toFixed rounds exact ties up
// ('10.3'). The exact decimal value of a double is finite, so the rounding is
// done on it with BigInt: this only formats report lines, never per event.

const view = new DataView(new ArrayBuffer(8));

/** The double x as m * 2^e with integer m (x finite). */
function decompose(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) return { m: frac, e: -1074 };
  return { m: frac | (1n << 52n), e: exp - 1075 };
}

/** '%.{digits}f' % x (and '%+.{digits}f' with `sign`), exactly as Python prints it. */
export function pyFixed(x: number, digits: number, sign = false): string {
  if (!Number.isFinite(x)) {
    const t = Number.isNaN(x) ? 'nan' : 'inf';
    return (x < 0 ? '-' : sign ? '+' : '') + t;
  }
  const negative = x < 0 || Object.is(x, -0);
  const { m, e } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (e >= 0) {
    q = (m << BigInt(e)) * scale;
  } else {
    const num = m * scale;
    const den = 1n << BigInt(-e);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  let text = q.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, '0');
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return (negative ? '-' : sign ? '+' : '') + text;
}
