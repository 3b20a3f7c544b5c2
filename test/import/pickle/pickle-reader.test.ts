// The safe pickle reader: plain values as Python pickles them (protocols
// 0-5), and every way a pickle could make it run code or allocate without
// bound refused with a one-line error naming the file and byte offset.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import { MemreplayError } from '../../../src/errors.js';
import { MAX_MARK_DEPTH, PickleError, PickleReader, readPickle, type PicklePolicy } from '../../../src/import/pickle/pickle-reader.js';
import { PyBytes, PyDict, PyFloat, PyInstance, PyList, type PickleValue } from '../../../src/import/pickle/values.js';
import { findPython3, runPython } from '../../python-interpreters.js';
import { tempDir } from '../../cli/helpers.js';
import { pk, u32, u64 } from './assemble.js';

const PLAIN: PicklePolicy = { purpose: 'a test pickle', classes: new Set() };
const SNAPSHOT_LIKE: PicklePolicy = { purpose: 'a test pickle', classes: new Set(['tracemalloc.Snapshot']) };

function errorOf(bytes: Uint8Array, policy = PLAIN): PickleError {
  try {
    readPickle(bytes, 'x.pickle', policy);
  } catch (e) {
    expect(e).toBeInstanceOf(PickleError);
    expect(e).toBeInstanceOf(MemreplayError);
    return e as PickleError;
  }
  throw new Error('expected the pickle to be refused');
}

/** A value as tagged JSON, the same shape the Python side prints. */
function describe_(v: PickleValue): unknown {
  if (v === null) return null;
  if (typeof v === 'boolean') return { bool: v };
  if (typeof v === 'number' || typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'string') return { str: Array.from(v, (c) => c.codePointAt(0)) };
  if (v instanceof PyFloat) return { float: Number.isFinite(v.value) ? v.value : v.value > 0 ? 'inf' : v.value < 0 ? '-inf' : 'nan' };
  if (v instanceof PyBytes) return { [v.mutable ? 'bytearray' : 'bytes']: Buffer.from(v.bytes).toString('hex') };
  if (Array.isArray(v)) return { tuple: v.map(describe_) };
  if (v instanceof PyList) return { list: v.items.map(describe_) };
  if (v instanceof PyDict) return { dict: v.items().map(([k, x]) => [describe_(k), describe_(x)]) };
  throw new Error(`unexpected ${String(v)}`);
}

describe('plain values', () => {
  test('protocol 4 scalars and containers, assembled by hand', () => {
    const v = readPickle(
      pk(0x80, 4, 0x95, u64(30, 0), ']', 0x94, '(', 'N', 0x88, 0x89, 'K', 7, 'M', 0x34, 0x12, 'J', u32(-5 >>> 0), 0x8a, 9, [0, 0, 0, 0, 0, 0, 0, 0, 1], 0x8c, 2, 'hi', ')', 'e', '.'),
      'x.pickle',
      PLAIN,
    );
    expect(v).toBeInstanceOf(PyList);
    expect((v as PyList).items).toEqual([null, true, false, 7, 0x1234, -5, 1n << 64n, 'hi', []]);
  });

  test('a memoised object is the same object where it is used again, cycles included', () => {
    const v = readPickle(pk(0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.'), 'x.pickle', PLAIN) as PyList;
    expect(v.items[0]).toBe(v);
  });

  test('a memo index of 4e9 costs one entry, not an array of 4e9', () => {
    const v = readPickle(pk(0x80, 2, 'K', 1, 'r', u32(4_000_000_000), 'j', u32(4_000_000_000), 0x86, '.'), 'x.pickle', PLAIN);
    expect(v).toEqual([1, 1]);
  });

  test('dict keys follow Python equality: 1, 1.0 and True are one key, the last value wins', () => {
    const v = readPickle(pk(0x80, 2, '}', '(', 'K', 1, 'K', 10, 'G', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0], 'K', 11, 0x88, 'K', 12, 'u', '.'), 'x.pickle', PLAIN) as PyDict;
    expect(v.size).toBe(1);
    expect(v.items()).toEqual([[1, 12]]);
  });

  test('protocol 0 text opcodes: INT, LONG, FLOAT, STRING, UNICODE escapes, PUT/GET', () => {
    const v = readPickle(
      pk('(lp0\n', 'I42\naI01\naL-12345678901234567890L\naF2.5\naS\'a\\x41\\n\'\naVcaf\\u00e9 \\U0001f600\\\\u\naV\xe9\nag0\na.'),
      'x.pickle',
      PLAIN,
    ) as PyList;
    expect(v.items.slice(0, 7)).toEqual([42, true, -12345678901234567890n, new PyFloat(2.5), 'aA\n', 'café 😀\\\\u', 'é']);
    expect(v.items[7]).toBe(v);
  });

  test('BINUNICODE with an encoded lone surrogate decodes as Python\'s surrogatepass does', () => {
    expect(readPickle(pk(0x80, 4, 0x8c, 4, 'a', [0xed, 0xa0, 0x80], '.'), 'x.pickle', PLAIN)).toBe('a\ud800');
  });

  test('instances of allowed classes take their state; protocol 0-1 use copyreg._reconstructor(cls, object, None)', () => {
    const state = pk('}', 'q', 1, 'X', u32(1), 'k', 'K', 3, 's');
    const p2 = readPickle(pk(0x80, 2, 'ctracemalloc\nSnapshot\n', ')', 0x81, state, 'b', '.'), 'x.pickle', SNAPSHOT_LIKE) as PyInstance;
    expect(p2).toBeInstanceOf(PyInstance);
    expect(p2.cls.qualifiedName).toBe('tracemalloc.Snapshot');
    expect(p2.dict.get('k')).toBe(3);
    const p1 = readPickle(pk('ccopy_reg\n_reconstructor\n(ctracemalloc\nSnapshot\nc__builtin__\nobject\nNtR', state, 'b', '.'), 'x.pickle', SNAPSHOT_LIKE) as PyInstance;
    expect(p1.dict.get('k')).toBe(3);
  });

  const python = findPython3();
  it.skipIf(python === null)(`matches what python3 pickled with every protocol${python === null ? ' (skipped: no python3 on PATH)' : ''}`, () => {
    const dir = tempDir();
    const script = `
import json, pickle, sys
def desc(v):
    if v is None: return None
    if isinstance(v, bool): return {"bool": v}
    if isinstance(v, int): return {"int": str(v)}
    if isinstance(v, float): return {"float": v if v == v and v not in (float("inf"), float("-inf")) else str(v)}
    if isinstance(v, str): return {"str": [ord(c) for c in v]}
    if isinstance(v, bytearray): return {"bytearray": v.hex()}
    if isinstance(v, bytes): return {"bytes": v.hex()}
    if isinstance(v, tuple): return {"tuple": [desc(x) for x in v]}
    if isinstance(v, list): return {"list": [desc(x) for x in v]}
    if isinstance(v, dict): return {"dict": [[desc(k), desc(x)] for k, x in v.items()]}
    raise TypeError(type(v))
shared = [1, "two"]
base = [None, True, False, 0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, 2**63, -2**63 - 1, 2**100, -(2**200),
        0.0, -0.0, 1.5, 1e300, 5e-324, float("inf"), float("-inf"), "", "a", "\\u00e9", "\\u20ac", "\\U0001f600", "\\ud800", "back\\\\slash",
        "new\\nline", "x" * 300, (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], [1, [2, [3]]], {}, {"a": 1, 2: "b", (1, 2): None},
        [shared, shared], ((((("deep",),),),),)]
for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    values = list(base)
    if proto >= 3: values.append(b"\\x00\\xff" * 200)
    if proto >= 5: values.append(bytearray(b"ab"))
    with open(sys.argv[1] + "/p%d.pickle" % proto, "wb") as f:
        pickle.dump(values, f, protocol=proto)
    with open(sys.argv[1] + "/p%d.json" % proto, "w") as f:
        json.dump(desc(values), f)
print(pickle.HIGHEST_PROTOCOL)
`;
    const highest = Number(runPython(python!, ['-c', script, dir]).trim());
    expect(highest).toBeGreaterThanOrEqual(5);
    for (let proto = 0; proto <= highest; proto++) {
      const bytes = readFileSync(join(dir, `p${proto}.pickle`));
      const expected = JSON.parse(readFileSync(join(dir, `p${proto}.json`), 'utf8'));
      expect(describe_(readPickle(bytes, `p${proto}.pickle`, PLAIN)), `protocol ${proto}`).toEqual(expected);
      // Fed in pieces of every size from 1 to 17 bytes, the result is the same.
      for (const step of [1, 2, 3, 7, 17]) {
        const r = new PickleReader(`p${proto}.pickle`, PLAIN);
        for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
        expect(describe_(r.end()), `protocol ${proto} in ${step}-byte pieces`).toEqual(expected);
      }
    }
  });
});

describe('refused: anything that would import or call code', () => {
  test('GLOBAL os.system then REDUCE: the global is named, with its byte offset, and nothing runs', () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const e = errorOf(pk('cos\nsystem\n(Vtouch ', marker, '\ntR.'));
    expect(e.offset).toBe(0);
    expect(e.message).toBe(
      'x.pickle: byte 0: forbidden global "os.system": a test pickle may refer only to ; nothing was imported or run',
    );
    expect(existsSync(marker)).toBe(false);
  });

  test('STACK_GLOBAL builtins.eval is refused at the STACK_GLOBAL opcode', () => {
    const e = errorOf(pk(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'eval', 0x93, '.'));
    expect(e.offset).toBe(18);
    expect(e.detail).toMatch(/^forbidden global "builtins.eval"/);
  });

  test('protocol 2 bytes are pickled through _codecs.encode, a call: refused', () => {
    expect(errorOf(pk(0x80, 2, 'c_codecs\nencode\n')).detail).toMatch(/^forbidden global "_codecs.encode"/);
  });

  test('an allowed class may not be called with REDUCE, nor built with arguments', () => {
    expect(errorOf(pk(0x80, 2, 'ctracemalloc\nSnapshot\n', ')', 'R', '.'), SNAPSHOT_LIKE).detail).toBe(
      'REDUCE would call tracemalloc.Snapshot(...): refused, a test pickle never does this and this reader runs no code',
    );
    expect(errorOf(pk(0x80, 2, 'ctracemalloc\nSnapshot\n', 'K', 1, 0x85, 0x81, '.'), SNAPSHOT_LIKE).detail).toMatch(
      /^NEWOBJ of tracemalloc.Snapshot with arguments refused/,
    );
  });

  test('copyreg._reconstructor only in its one harmless form', () => {
    const e = errorOf(pk('ccopy_reg\n_reconstructor\n(ctracemalloc\nSnapshot\nc__builtin__\nobject\nK\x01tR.'), SNAPSHOT_LIKE);
    expect(e.detail).toMatch(/^REDUCE would call copyreg._reconstructor/);
  });

  test.each([
    ['INST', pk('(imodule\nname\n.'), /^INST calls a class/],
    ['OBJ', pk('(o.'), /^OBJ calls a class/],
    ['PERSID', pk('Pid\n.'), /persistent ids/],
    ['BINPERSID', pk('K\x01Q.'), /persistent ids/],
    ['EXT1', pk(0x80, 2, 0x82, 1, '.'), /extension registry/],
    ['NEXT_BUFFER', pk(0x80, 5, 0x97, '.'), /out-of-band buffers/],
    ['EMPTY_SET', pk(0x80, 4, 0x8f, '.'), /builds a set/],
  ])('%s is refused', (_name, bytes, pattern) => {
    expect(errorOf(bytes).detail).toMatch(pattern);
  });

  test('BUILD on a plain value is refused (it would set attributes)', () => {
    expect(errorOf(pk(0x80, 2, ']', '}', 'b', '.')).detail).toMatch(/^BUILD on list refused/);
  });
});

describe('refused: damaged input and hostile sizes, before any large allocation', () => {
  test('a string that declares 4 GB', () => {
    const e = errorOf(pk(0x80, 4, 'X', u32(0xffffffff), 'abc'));
    expect(e.offset).toBe(2);
    expect(e.detail).toBe(`BINUNICODE declares 4294967295 bytes, more than the limit of ${64 * 1024 * 1024}`);
  });

  test('BINBYTES8 and BYTEARRAY8 with lengths beyond 2^32', () => {
    expect(errorOf(pk(0x80, 4, 0x8e, u64(0, 1))).detail).toMatch(/^BINBYTES8 declares/);
    expect(errorOf(pk(0x80, 5, 0x96, u64(5, 7))).detail).toMatch(/^BYTEARRAY8 declares/);
  });

  test('an integer of 2 GB (LONG4) and a negative LONG4 length', () => {
    expect(errorOf(pk(0x80, 2, 0x8b, u32(0x7fffffff))).detail).toBe('integer of 2147483647 bytes is larger than the limit of 1024');
    expect(errorOf(pk(0x80, 2, 0x8b, u32(0xffffffff))).detail).toBe('LONG4 with a negative length (-1)');
  });

  test('a protocol 0 argument line without end', () => {
    expect(errorOf(pk('I', '1'.repeat(70_000))).detail).toMatch(/^INT argument longer than 65536 bytes/);
  });

  test('a string cut short by the end of the file says so and where', () => {
    const e = errorOf(pk(0x80, 4, 0x8c, 10, 'abc'));
    expect(e.offset).toBe(2);
    expect(e.detail).toBe('the pickle is cut off: opcode SHORT_BINUNICODE needs 7 more bytes than the 7 the file has');
  });

  test('a pickle without STOP, an empty file, an unknown opcode, an unknown protocol', () => {
    expect(errorOf(pk(0x80, 4, 'N')).detail).toBe('the pickle is cut off: it ends without a STOP opcode');
    expect(errorOf(pk()).detail).toBe('empty file: no pickle data');
    expect(errorOf(pk(0x80, 4, 0xff)).detail).toMatch(/^unknown opcode 0xff/);
    expect(errorOf(pk(0x80, 6)).detail).toBe('pickle protocol 6 is not supported (0-5 are, all that CPython 3.8-3.13 writes)');
  });

  test('stack underflow, a missing MARK, a memo index never stored', () => {
    expect(errorOf(pk(0x80, 2, '.')).detail).toBe('STOP on an empty stack');
    expect(errorOf(pk(0x80, 2, 't')).detail).toBe('TUPLE without a MARK before it');
    expect(errorOf(pk(0x80, 2, 'h', 3)).detail).toBe('memo index 3 was never stored');
  });

  test(`MARKs nested deeper than ${MAX_MARK_DEPTH}`, () => {
    expect(errorOf(pk(0x80, 2, '('.repeat(MAX_MARK_DEPTH + 1))).detail).toBe(`MARKs nested more than ${MAX_MARK_DEPTH} deep`);
  });

  test('a dict key of nested tuples 100 deep, and an unhashable key, are errors, not crashes', () => {
    expect(errorOf(pk(0x80, 2, '}', 'N', ...Array(100).fill(0x85), 'N', 's', '.')).detail).toMatch(/nests tuples more than 32 deep/);
    expect(errorOf(pk(0x80, 2, '}', ']', 'N', 's', '.')).detail).toBe("unhashable type: 'list' used as a dict key");
  });

  test('a dict key 28 tuples deep costs a few hundred characters of key, not 2^28 (the 35-byte pickle of issue 10)', () => {
    const started = Date.now();
    const v = readPickle(pk(0x80, 2, '}', 'N', ...Array(28).fill(0x85), 'N', 's', '.'), 'x.pickle', PLAIN) as PyDict;
    expect(v.size).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  /** A dict whose key is a tuple tree `levels` deep where every level is (previous, previous), one memo entry a level. */
  function sharedTree(levels: number, memo = 0): (number | string)[] {
    const parts: (number | string)[] = ['N', 0x85, 'q', memo, '0'];
    for (let k = memo; k < memo + levels; k++) parts.push('h', k, 'h', k, 0x86, 'q', k + 1, '0');
    parts.push('h', memo + levels);
    return parts;
  }

  test('a memo-shared tuple tree of 2^30 leaves as a key is hashed once per tuple, and equals the same tree built again', () => {
    const started = Date.now();
    // The 253-byte tree, the same tree built again from other memo entries, and the tree one level lower.
    const v = readPickle(pk(0x80, 2, '}', ...sharedTree(30), 'K', 1, 's', ...sharedTree(30, 100), 'K', 2, 's', ...sharedTree(29, 200), 'K', 3, 's', '.'), 'x.pickle', PLAIN) as PyDict;
    expect(v.items().map(([, x]) => x)).toEqual([2, 3]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('tuple keys keep Python equality when their items are long (digested) or differ only in type', () => {
    const long = 'x'.repeat(200);
    const tuple = (...items: (number | string)[]): (number | string)[] => ['(', ...items, 't'];
    const str = (s: string): (number | string)[] => ['X', ...u32(s.length), s];
    const v = readPickle(
      pk(0x80, 4, '}', '(', ...tuple(...str(long), 'K', 1), 'K', 1, ...tuple(...str(long), 0x88), 'K', 2, ...tuple(...str(long), 'K', 2), 'K', 3, ...tuple(...str(long + 'y'), 'K', 1), 'K', 4, 'u', '.'),
      'x.pickle',
      PLAIN,
    ) as PyDict;
    expect(v.items().map(([, x]) => x)).toEqual([2, 3, 4]);
  });

  test('a long str used as a dict key again and again is refused once hashing outgrows the file, not hashed forever', () => {
    const big = 'k'.repeat(1 << 20);
    const again = Array(40).fill(['h', 0, 'N', 's']).flat() as (number | string)[];
    const e = errorOf(pk(0x80, 4, '}', 'X', u32(big.length), big, 'q', 0, 'N', 's', ...again, '.'));
    expect(e.detail).toMatch(/^dict keys need more than \d+ characters of hashing by this point, 4 per byte of the file/);
  });

  test('long str and bytes keys are keyed by their digest, short enough for V8 to hash (and still equal by value)', () => {
    const a = 'a'.repeat(20_000);
    const d = new PyDict();
    d.set(a, 1);
    d.set('a'.repeat(20_000), 2);
    d.set(`${'a'.repeat(19_999)}b`, 3);
    d.set(`${'a'.repeat(19_999)}\ud800`, 5);
    d.set(`${'a'.repeat(19_999)}\udc00`, 6);
    d.set(new PyBytes(Buffer.from(a)), 4);
    expect(d.items().map(([, v]) => v)).toEqual([2, 3, 5, 6, 4]);
    expect(d.get(a)).toBe(2);
    const keys = [...(d as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(100);
  });

  test('malformed UTF-8 in a str', () => {
    expect(errorOf(pk(0x80, 4, 0x8c, 2, [0xc3, 0x28], '.')).detail).toBe('SHORT_BINUNICODE holds bytes that are not UTF-8');
  });

  test('bytes after STOP are ignored, as pickle.load ignores them', () => {
    expect(readPickle(pk(0x80, 2, 'N', '.', 'garbage'), 'x.pickle', PLAIN)).toBeNull();
  });
});
