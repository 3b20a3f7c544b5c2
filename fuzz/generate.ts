// Grammar-based inputs: records built field by field from the trace format's
// grammar (trace-format.md), each field drawn from valid values, values on
// the edge of valid (2^53 + 1, 2^64 - 1, an empty field) and values just past
// it (2^64, -1, text where a number goes), so the readers' every branch gets
// both well-formed and almost well-formed records. Pickles are built from
// the opcode table: a Snapshot.dump() shape with random contents, or a random
// opcode stream.

import type { Rng } from './rng.js';

// The native contract's ops too (mapping ops and the native domain), so the readers and the .mrt escape of ops past mark are fuzzed.
const OPS = ['alloc', 'calloc', 'realloc', 'free', 'arena_alloc', 'arena_free', 'mark', 'stack', 'mmap', 'munmap', 'mremap'];
const COLUMNS = ['op', 'addr', 'size', 'old_addr', 'domain', 'ts', 'thread', 'stack', 'frames', 'label'];

function address(rng: Rng): string | number {
  switch (rng.int(10)) {
    case 0: return '0';
    case 1: return '0xffffffffffffffff';
    case 2: return '0x10000000000000000';
    case 3: return '18446744073709551615';
    case 4: return rng.int(1 << 30);
    case 5: return `0x${rng.int(0x1000).toString(16)}`;
    case 6: return rng.pick(['', 'x', '0x', '-16', '0x-1', ' 0x10', '1.5']);
    default: return `0x7f${rng.int(0x100000).toString(16).padStart(5, '0')}${rng.pick(['030', '070', '000', '0b0', '010'])}`;
  }
}

function size(rng: Rng): string | number {
  switch (rng.int(8)) {
    case 0: return rng.pick([0, 1, 512, 513, 1048576, 262144]);
    case 1: return rng.pick(['9007199254740993', '18446744073709551616', '-1', '1e3', '', '0x10', '١']);
    default: return rng.range(1, 600);
  }
}

function frame(rng: Rng): string {
  const file = rng.pick(['app.py', '<frozen importlib._bootstrap>', 'a;b.py', 'x:y.py', 'é.py', '', '"q".py', 'a,b.py']);
  const line = rng.pick(['1', '0', '99999999999999999999', '', '-3', `${rng.int(500)}`]);
  return rng.chance(0.5) ? `${file}:${line}` : `${rng.pick(['f', '<module>', 'g h', ''])} (${file}:${line})`;
}

function frames(rng: Rng): string[] {
  const n = rng.chance(0.02) ? rng.range(200, 400) : rng.int(6);
  return Array.from({ length: n }, () => frame(rng));
}

function label(rng: Rng): string {
  return rng.pick(['stats', 'final', 'iteration 1', '', 'a,b', 'q"uote', 'é', '\u{1f600}', 'x'.repeat(rng.small(3000))]);
}

/** The fields of one record, as name -> value (values may be of the wrong type on purpose). */
function record(rng: Rng, stackIds: number[]): Record<string, unknown> {
  const op = rng.chance(0.03) ? rng.pick(['', 'ALLOC', 'malloc', 'meta', 'snapshot', 'trace']) : rng.pick(OPS);
  const r: Record<string, unknown> = { op };
  const maybe = (p: number): boolean => rng.chance(p);
  if (op !== 'mark' && op !== 'stack') r['addr'] = address(rng);
  if (op !== 'free' && op !== 'mark' && op !== 'stack' ? maybe(0.97) : maybe(0.2)) r['size'] = size(rng);
  if (op === 'realloc' || (op === 'mremap' && maybe(0.95)) || maybe(0.03)) r['old_addr'] = address(rng);
  if (maybe(0.6)) r['domain'] = rng.pick(['obj', 'mem', 'raw', 'native', 'obj', '', 'OBJ', 'heap']);
  if (maybe(0.5)) r['ts'] = rng.pick([rng.int(1e9), '', '-5', '1.5', '99999999999999999999']);
  if (maybe(0.5)) r['thread'] = rng.pick([rng.int(4), 'main', '', 'worker-1']);
  if (op === 'stack') {
    const id = rng.chance(0.9) ? rng.int(20) : rng.pick([-1, 2 ** 40, 'x']);
    if (typeof id === 'number' && id >= 0) stackIds.push(id);
    r['stack'] = id;
    r['frames'] = frames(rng);
  } else if (maybe(0.3)) {
    r['stack'] = stackIds.length > 0 && rng.chance(0.8) ? rng.pick(stackIds) : rng.int(30);
  } else if (maybe(0.3)) {
    r['frames'] = frames(rng);
  }
  if (op === 'mark' || maybe(0.02)) r['label'] = label(rng);
  return r;
}

function csvField(value: unknown, rng: Rng): string {
  const text = Array.isArray(value) ? value.join(';') : String(value);
  if (/[",\n\r]/.test(text) || rng.chance(0.05)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** A CSV trace: comments and metadata, a header of some columns in some order, records. */
export function generateCsv(rng: Rng): Uint8Array {
  const lines: string[] = [];
  for (let n = rng.int(4); n > 0; n--) {
    lines.push(rng.pick(['# python: 3.11.2', '# python: 3.8.18', '# complete: true', '# arena_size: 1048576', '# note', '#', '# python: 4.0']));
  }
  const columns = rng.chance(0.7) ? [...COLUMNS] : COLUMNS.filter(() => rng.chance(0.8));
  for (let i = columns.length - 1; i > 0 && rng.chance(0.3); i--) {
    const j = rng.int(i + 1);
    [columns[i], columns[j]] = [columns[j]!, columns[i]!];
  }
  if (rng.chance(0.1)) columns.push(rng.pick(['extra', 'op', '', 'size']));
  lines.push(columns.join(','));
  const stackIds: number[] = [];
  for (let n = rng.small(200); n > 0; n--) {
    const r = record(rng, stackIds);
    lines.push(columns.map((c) => (r[c] === undefined ? '' : csvField(r[c], rng))).join(','));
  }
  return Buffer.from(lines.join(rng.chance(0.1) ? '\r\n' : '\n') + (rng.chance(0.8) ? '\n' : ''));
}

/** A JSONL trace: a meta line or not, then one object a record. */
export function generateJsonl(rng: Rng): Uint8Array {
  const lines: string[] = [];
  if (rng.chance(0.6)) lines.push(JSON.stringify({ op: 'meta', python: rng.pick(['3.11.2', '3.13.0', 3.11, '']), complete: rng.pick([true, 'true', 1]) }));
  const stackIds: number[] = [];
  for (let n = rng.small(200); n > 0; n--) {
    const r = record(rng, stackIds);
    // Numbers as JSON numbers (the format allows them for addr), sometimes as strings.
    for (const k of ['size', 'ts', 'addr', 'old_addr']) {
      const v = r[k];
      if (typeof v === 'string' && /^\d+$/.test(v) && rng.chance(0.5)) r[k] = Number(v);
    }
    if (typeof r['frames'] === 'object' && rng.chance(0.05)) r['frames'] = (r['frames'] as string[]).join(';');
    lines.push(rng.chance(0.02) ? rng.pick(['[]', '{', 'null', '{"op":}', '"alloc"', '']) : JSON.stringify(r));
  }
  return Buffer.from(lines.join('\n') + (rng.chance(0.8) ? '\n' : ''));
}

/** A JSONL snapshot file: snapshot records each followed by trace records. */
export function generateSnapshotJsonl(rng: Rng): Uint8Array {
  const lines: string[] = [];
  if (rng.chance(0.2)) lines.push('{"op":"meta","python":"3.11.2"}');
  for (let s = rng.small(3); s > 0; s--) {
    lines.push(JSON.stringify({ op: 'snapshot', label: rng.pick(['old', 'new', '', null, 3, 'old']) }));
    for (let n = rng.small(60); n > 0; n--) {
      const t: Record<string, unknown> = { op: rng.chance(0.97) ? 'trace' : rng.pick(['alloc', 'snapshot', '']) };
      t['size'] = rng.chance(0.95) ? rng.int(5000) : rng.pick([-1, 1.5, '3', 2 ** 60, null]);
      if (rng.chance(0.8)) t['domain'] = rng.chance(0.95) ? rng.int(3) : rng.pick([-1, 'obj', 2 ** 60]);
      if (rng.chance(0.9)) t['frames'] = rng.chance(0.97) ? frames(rng) : rng.pick(['a.py:1', [1, 2], null]);
      lines.push(JSON.stringify(t));
    }
  }
  return Buffer.from(lines.join('\n') + '\n');
}

// Pickle generation ---------------------------------------------------------

class PickleWriter {
  readonly parts: number[] = [];
  byte(b: number): this {
    this.parts.push(b & 0xff);
    return this;
  }
  u32(n: number): this {
    return this.byte(n).byte(n >>> 8).byte(n >>> 16).byte(n >>> 24);
  }
  bytes(data: Uint8Array | readonly number[]): this {
    for (const b of data) this.parts.push(b);
    return this;
  }
  str(text: string): this {
    const data = Buffer.from(text, 'utf8');
    if (data.length < 256) return this.byte(0x8c).byte(data.length).bytes(data); // SHORT_BINUNICODE
    return this.byte(0x58).u32(data.length).bytes(data); // BINUNICODE
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.byte(0x4b).byte(n); // BININT1
    if (n >= 0 && n < 65536) return this.byte(0x4d).byte(n).byte(n >> 8); // BININT2
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.byte(0x4a).u32(n); // BININT
    const digits: number[] = [];
    let v = BigInt(n);
    for (let i = 0; i < 9; i++, v >>= 8n) digits.push(Number(v & 0xffn));
    return this.byte(0x8a).byte(digits.length).bytes(digits); // LONG1
  }
  out(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A Snapshot.dump()-shaped pickle (protocol 4) with random traces, sometimes of the wrong shape. */
export function generateSnapshotPickle(rng: Rng): Uint8Array {
  const w = new PickleWriter();
  w.byte(0x80).byte(rng.pick([2, 3, 4, 4, 5]));
  const global = (module: string, name: string): void => {
    w.str(module).str(name).byte(0x93); // STACK_GLOBAL
  };
  global('tracemalloc', rng.chance(0.95) ? 'Snapshot' : rng.pick(['Frame', 'Trace', 'os.system']));
  w.byte(0x29).byte(0x81); // EMPTY_TUPLE NEWOBJ
  w.byte(0x7d).byte(0x28); // EMPTY_DICT MARK
  w.str('traces');
  global('tracemalloc', '_Traces');
  w.byte(0x29).byte(0x81).byte(0x7d).str('_traces').byte(0x5d).byte(0x28); // {'_traces': [ ...
  let memo = 0;
  const tracebacks: number[] = [];
  for (let n = rng.small(80); n > 0; n--) {
    w.byte(0x28); // MARK (of the trace tuple)
    w.int(rng.chance(0.95) ? rng.int(3) : rng.pick([-1, 2 ** 40]));
    w.int(rng.chance(0.95) ? rng.int(100000) : rng.pick([-5, 2 ** 53 + 2]));
    if (tracebacks.length > 0 && rng.chance(0.5)) {
      w.byte(0x68).byte(rng.pick(tracebacks) & 0xff); // BINGET a shared traceback
    } else {
      w.byte(0x28);
      for (let f = rng.small(6); f > 0; f--) {
        w.str(rng.pick(['app.py', 'x.py', '<string>', 'é.py', ''])).int(rng.chance(0.95) ? rng.int(300) : -1).byte(0x86); // TUPLE2
      }
      w.byte(0x74).byte(0x94); // TUPLE MEMOIZE
      tracebacks.push(memo++);
    }
    if (rng.chance(0.7)) w.int(rng.int(10)); // total_nframe (3.9+)
    w.byte(0x74); // TUPLE
  }
  w.byte(0x65).byte(0x62); // APPENDS BUILD (_Traces state)
  w.str('traceback_limit').int(rng.int(30));
  w.byte(0x75).byte(0x62).byte(0x2e); // SETITEMS BUILD STOP
  return w.out();
}

const OPCODES = [
  0x28, 0x2e, 0x30, 0x31, 0x32, 0x46, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x58,
  0x61, 0x62, 0x63, 0x64, 0x7d, 0x65, 0x67, 0x68, 0x69, 0x6a, 0x6c, 0x5d, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x29,
  0x75, 0x47, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x42, 0x43, 0x8c, 0x8d, 0x8e,
  0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
];

/** A stream of random opcodes with arguments of the right kind (and sometimes not). */
export function generateOpcodeStream(rng: Rng): Uint8Array {
  const w = new PickleWriter();
  if (rng.chance(0.8)) w.byte(0x80).byte(rng.range(0, 6));
  for (let n = rng.small(120); n > 0; n--) {
    const code = rng.pick(OPCODES);
    w.byte(code);
    switch (code) {
      case 0x46: case 0x49: case 0x4c: case 0x53: case 0x56: case 0x50: case 0x67: case 0x70: // text line argument
        w.bytes(Buffer.from(`${rng.pick(['1', '-7', 'abc', "'x'", '1.5', 'inf', '00', '99999999999999999999999', 'L'])}\n`));
        break;
      case 0x63: case 0x69: // GLOBAL / INST: module\nname\n
        w.bytes(Buffer.from(`${rng.pick(['tracemalloc', 'os', 'builtins', '__main__'])}\n${rng.pick(['Snapshot', '_Traces', 'system', 'eval'])}\n`));
        break;
      case 0x4b: case 0x68: case 0x71: case 0x82: w.byte(rng.int(256)); break;
      case 0x4d: case 0x83: w.byte(rng.int(256)).byte(rng.int(256)); break;
      case 0x4a: case 0x6a: case 0x72: case 0x84: w.u32(rng.int(2 ** 32)); break;
      case 0x47: w.bytes(Array.from({ length: 8 }, () => rng.int(256))); break;
      case 0x80: w.byte(rng.int(8)); break;
      case 0x8a: case 0x55: case 0x43: case 0x8c: { // one-byte length
        const len = rng.chance(0.9) ? rng.int(12) : rng.int(256);
        w.byte(len).bytes(Array.from({ length: Math.min(len, rng.chance(0.9) ? len : 3) }, () => rng.int(128)));
        break;
      }
      case 0x8b: case 0x54: case 0x58: case 0x42: { // four-byte length
        const len = rng.chance(0.9) ? rng.int(40) : rng.pick([2 ** 31, 2 ** 32 - 1, 70 * 1024 * 1024]);
        w.u32(len).bytes(Array.from({ length: Math.min(len, 40) }, () => rng.int(128)));
        break;
      }
      case 0x8d: case 0x8e: case 0x96: case 0x95: { // eight-byte length
        const len = rng.chance(0.8) ? rng.int(40) : rng.pick([2 ** 40, 2 ** 53]);
        w.u32(len % 2 ** 32).u32(Math.floor(len / 2 ** 32));
        if (code !== 0x95) w.bytes(Array.from({ length: Math.min(len, 40) }, () => rng.int(128)));
        break;
      }
      default:
        break;
    }
  }
  if (rng.chance(0.7)) w.byte(0x2e);
  return w.out();
}
