// Text inside pickles, decoded as CPython's unpickler does:
// - BINUNICODE and friends: UTF-8 with 'surrogatepass' (Python writes lone
//   surrogates, e.g. from undecodable file names, as 3-byte sequences);
// - protocol 0 UNICODE: 'raw-unicode-escape' (latin-1 plus \uXXXX escapes);
// - protocol 0-1 STRING / BINSTRING (Python 2 str): ASCII, the default
//   `encoding` of pickle.load; STRING's quoted literal is unescaped first.
// Each returns null for bytes Python would refuse; the caller words the error.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8SurrogatePass(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeWithSurrogates(bytes);
  }
}

/** The slow path: UTF-8 where ED A0..BF xx encodes a lone surrogate. */
function decodeWithSurrogates(b: Uint8Array): string | null {
  const units: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      cp = c & 0x1f;
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      cp = c & 0x0f;
      n = 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      cp = c & 0x07;
      n = 4;
    } else {
      return null;
    }
    if (i + n > b.length) return null;
    for (let k = 1; k < n; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const min = n === 1 ? 0 : n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff) return null;
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    } else {
      units.push(cp);
    }
    i += n;
  }
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

/** 'raw-unicode-escape': bytes are latin-1; \uXXXX and \UXXXXXXXX after an odd run of backslashes are escapes. */
export function decodeRawUnicodeEscape(b: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c !== 0x5c) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let run = 0;
    while (i < b.length && b[i] === 0x5c) {
      run++;
      i++;
    }
    const next = b[i];
    if (run % 2 === 0 || (next !== 0x75 && next !== 0x55)) {
      out += '\\'.repeat(run);
      continue;
    }
    out += '\\'.repeat(run - 1);
    const digits = next === 0x75 ? 4 : 8;
    const hex = Buffer.from(b.subarray(i + 1, i + 1 + digits)).toString('latin1');
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return null;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) return null;
    out += String.fromCodePoint(cp);
    i += 1 + digits;
  }
  return out;
}

/** Python 2 str bytes as a Python 3 str, with pickle.load's default encoding (ASCII). */
export function decodeAscii(b: Uint8Array): string | null {
  for (const c of b) if (c >= 0x80) return null;
  return Buffer.from(b).toString('latin1');
}

const SIMPLE_ESCAPES: Record<string, number> = { '\\': 0x5c, "'": 0x27, '"': 0x22, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/**
 * The STRING opcode's argument: a Python 2 string literal in matching single
 * or double quotes, unescaped as codecs.escape_decode does. Null when it is
 * not quoted or an escape is malformed.
 */
export function unquoteStringLiteral(text: string): Uint8Array | null {
  if (text.length < 2 || (text[0] !== "'" && text[0] !== '"') || text[text.length - 1] !== text[0]) return null;
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch > 0xff) return null;
    if (ch !== 0x5c) {
      out.push(ch);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    if (SIMPLE_ESCAPES[e] !== undefined) out.push(SIMPLE_ESCAPES[e]);
    else if (e === '\n') continue;
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      let oct = e;
      while (oct.length < 3 && body[i + 1] !== undefined && body[i + 1]! >= '0' && body[i + 1]! <= '7') oct += body[++i];
      out.push(parseInt(oct, 8) & 0xff);
    } else {
      out.push(0x5c, e.charCodeAt(0)); // unknown escapes stay as written
    }
  }
  return Uint8Array.from(out);
}

const DECIMAL_INT = /^[+-]?(?:0|[1-9][0-9]*)$/;

/** An INT / LONG / GET / PUT argument (decimal, as Python's pickler writes it); null otherwise. */
export function parseDecimalInt(text: string): number | bigint | null {
  const t = text.trim();
  if (!DECIMAL_INT.test(t) && !/^[+-]?0+$/.test(t)) return null;
  const big = BigInt(t);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** A FLOAT argument (Python's repr of a float); null otherwise. */
export function parseFloatText(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (DECIMAL_FLOAT.test(t)) return Number(t);
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (m === null) return null;
  if (m[2] === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}
