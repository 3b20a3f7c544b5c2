// A pickle reader that never executes anything: an interpreter of the pickle
// opcodes of protocols 0-5 (CPython's Lib/pickle.py _Unpickler is the
// reference for what each opcode does) that builds plain values - None, bool,
// int, float, str, bytes, tuple, list, dict - and, for the classes a policy
// names, inert PyInstance records. A GLOBAL or STACK_GLOBAL naming anything
// else, and every opcode that would call code (REDUCE of anything but the
// one protocol 0/1 reconstruction helper, INST, OBJ, persistent ids,
// extension codes, out-of-band buffers), is an error naming the file, the
// byte offset of the opcode and the global (the rules: pickle-policy.ts).
// Python's own pickle.load would import and call whatever the file names;
// this reader has no way to.
//
// A push interpreter: bytes arrive in chunks (a file, gzip or stdin stream)
// and each opcode runs once all of its argument bytes are there, so nothing
// is allocated from a declared length before the bytes exist. Limits keep
// what a hostile file can make us hold proportional to its size: strings and
// bytes at most MAX_STRING_BYTES, integers at most MAX_LONG_BYTES, text
// arguments (protocol 0) at most MAX_TEXT_LINE bytes, MARK nesting at most
// MAX_MARK_DEPTH; the memo is a Map (an index of 4e9 costs one entry, not an
// array of 4e9). Nothing is expanded: a memo reference is the same object
// again, and dict keys are hashed once per tuple object within a budget that
// grows with the bytes read (DictKeys in values.ts), so time and memory stay
// linear in the file however it shares its objects.

import { MemreplayError } from '../../errors.js';
import { count } from '../../text/units.js';
import * as op from './opcodes.js';
import {
  decodeAscii,
  decodeRawUnicodeEscape,
  decodeUtf8SurrogatePass,
  parseDecimalInt,
  parseFloatText,
  unquoteStringLiteral,
} from './text-decoding.js';
import { build, instantiate, PickleRefusal, reduce, refusal, resolveGlobal, type PicklePolicy } from './pickle-policy.js';
import { DictKeys, PickleValueError, PyBytes, PyDict, PyFloat, PyList, typeName, type PickleValue } from './values.js';

export type { PicklePolicy };

export const MAX_STRING_BYTES = 64 * 1024 * 1024;
export const MAX_LONG_BYTES = 1024;
export const MAX_TEXT_LINE = 64 * 1024;
export const MAX_MARK_DEPTH = 1000;

/** A pickle that cannot be read safely or at all: names the file and the byte offset. */
export class PickleError extends MemreplayError {
  override name = 'PickleError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${file}: byte ${offset}: ${detail}`);
  }
}

const EMPTY = new Uint8Array(0);

export class PickleReader {
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  /** Absolute offset of buf[0] in the file. */
  private base = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes needed beyond `buf` before the opcode at `pos` can run. */
  private need = 1;
  private stack: PickleValue[] = [];
  private readonly marks: PickleValue[][] = [];
  private readonly memo = new Map<number, PickleValue>();
  /** Hashes every dict key of this pickle, within a bound proportional to the bytes read. */
  private readonly keys = new DictKeys();
  private proto = 0;
  private result: { value: PickleValue } | null = null;
  /** Offset of the opcode being run, for messages. */
  private at = 0;

  constructor(
    private readonly file: string,
    private readonly policy: PicklePolicy,
  ) {}

  /** True once STOP was read; later bytes are ignored (as pickle.load ignores them). */
  get done(): boolean {
    return this.result !== null;
  }

  push(chunk: Uint8Array): void {
    if (this.result !== null || chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.need) this.resume();
  }

  /** The unpickled value; throws when the pickle stopped short of STOP. */
  end(): PickleValue {
    if (this.result === null && this.pendingBytes > 0) this.resume();
    if (this.result !== null) return this.result.value;
    const endOffset = this.base + this.buf.length;
    if (this.pos < this.buf.length) {
      const code = this.buf[this.pos]!;
      this.fail(
        this.base + this.pos,
        `the pickle is cut off: opcode ${op.opcodeName(code)} needs ${count(this.need, 'more byte')} than the ${endOffset} the file has`,
      );
    }
    if (endOffset === 0) this.fail(0, 'empty file: no pickle data');
    this.fail(endOffset, 'the pickle is cut off: it ends without a STOP opcode');
  }

  private resume(): void {
    const rest = this.buf.subarray(this.pos);
    this.base += this.pos;
    this.buf = rest.length === 0 && this.pending.length === 1 ? this.pending[0]! : Buffer.concat([rest, ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.need = 0;
    this.keys.allow(this.base + this.buf.length);
    try {
      while (this.result === null && this.step()) {
        /* one opcode a step */
      }
    } catch (e) {
      if (e instanceof PickleValueError || e instanceof PickleRefusal) this.fail(this.at, e.message);
      throw e;
    }
  }

  /** Run the opcode at `pos`; false (nothing consumed) when its bytes are not all there yet. */
  private step(): boolean {
    const b = this.buf;
    const p = this.pos;
    if (p >= b.length) return this.wait(1);
    const code = b[p]!;
    this.at = this.base + p;
    switch (code) {
      // ---- structure
      case op.PROTO: {
        if (!this.have(2)) return false;
        const v = b[p + 1]!;
        if (v > op.HIGHEST_PROTOCOL) {
          this.fail(this.at, `pickle protocol ${v} is not supported (0-${op.HIGHEST_PROTOCOL} are, all that CPython 3.8-3.13 writes)`);
        }
        this.proto = v;
        return this.advance(2);
      }
      case op.FRAME:
        // A framing hint for buffered readers; the content follows as usual.
        return this.have(9) && this.advance(9);
      case op.STOP:
        this.result = { value: this.pop() };
        return this.advance(1);
      case op.MARK:
        if (this.marks.length >= MAX_MARK_DEPTH) this.fail(this.at, `MARKs nested more than ${MAX_MARK_DEPTH} deep`);
        this.marks.push(this.stack);
        this.stack = [];
        return this.advance(1);
      case op.POP:
        if (this.stack.length > 0) this.stack.pop();
        else this.popMark();
        return this.advance(1);
      case op.POP_MARK:
        this.popMark();
        return this.advance(1);
      case op.DUP:
        this.stack.push(this.top());
        return this.advance(1);

      // ---- memo
      case op.MEMOIZE:
        this.memo.set(this.memo.size, this.top());
        return this.advance(1);
      case op.BINPUT:
        return this.have(2) && this.put(b[p + 1]!, 2);
      case op.LONG_BINPUT:
        return this.have(5) && this.put(this.u32(p + 1), 5);
      case op.PUT: {
        const line = this.textLine();
        if (line === null) return false;
        return this.put(this.decimalArg(line.text, 'PUT'), line.length);
      }
      case op.BINGET:
        return this.have(2) && this.get(b[p + 1]!, 2);
      case op.LONG_BINGET:
        return this.have(5) && this.get(this.u32(p + 1), 5);
      case op.GET: {
        const line = this.textLine();
        if (line === null) return false;
        return this.get(this.decimalArg(line.text, 'GET'), line.length);
      }

      // ---- scalars
      case op.NONE:
        return this.pushValue(null, 1);
      case op.NEWTRUE:
        return this.pushValue(true, 1);
      case op.NEWFALSE:
        return this.pushValue(false, 1);
      case op.BININT1:
        return this.have(2) && this.pushValue(b[p + 1]!, 2);
      case op.BININT2:
        return this.have(3) && this.pushValue(b[p + 1]! | (b[p + 2]! << 8), 3);
      case op.BININT:
        return this.have(5) && this.pushValue(this.u32(p + 1) | 0, 5);
      case op.LONG1:
        return this.have(2) && this.long(b[p + 1]!, 2);
      case op.LONG4: {
        if (!this.have(5)) return false;
        const n = this.u32(p + 1) | 0;
        if (n < 0) this.fail(this.at, `LONG4 with a negative length (${n})`);
        return this.long(n, 5);
      }
      case op.INT: {
        const line = this.textLine();
        if (line === null) return false;
        // Protocol 0 writes booleans as I01 / I00.
        const t = line.text;
        const v = t === '01' ? true : t === '00' ? false : this.intArg(t, 'INT');
        return this.pushValue(v, line.length);
      }
      case op.LONG: {
        const line = this.textLine();
        if (line === null) return false;
        const t = line.text.endsWith('L') ? line.text.slice(0, -1) : line.text;
        return this.pushValue(this.intArg(t, 'LONG'), line.length);
      }
      case op.BINFLOAT:
        return this.have(9) && this.pushValue(new PyFloat(Buffer.from(b.buffer, b.byteOffset + p + 1, 8).readDoubleBE(0)), 9);
      case op.FLOAT: {
        const line = this.textLine();
        if (line === null) return false;
        const v = parseFloatText(line.text);
        if (v === null) this.fail(this.at, `FLOAT argument ${JSON.stringify(line.text.slice(0, 40))} is not a number`);
        return this.pushValue(new PyFloat(v), line.length);
      }

      // ---- text and bytes
      case op.SHORT_BINUNICODE:
        return this.have(2) && this.sized(b[p + 1]!, 2, 'str');
      case op.BINUNICODE:
        return this.have(5) && this.sized(this.u32(p + 1), 5, 'str');
      case op.BINUNICODE8:
        return this.have(9) && this.sized(this.u64(p + 1), 9, 'str');
      case op.UNICODE: {
        const line = this.textLine();
        if (line === null) return false;
        const s = decodeRawUnicodeEscape(line.bytes);
        if (s === null) this.fail(this.at, 'UNICODE argument has a malformed \\u escape');
        return this.pushValue(s, line.length);
      }
      case op.SHORT_BINBYTES:
        return this.have(2) && this.sized(b[p + 1]!, 2, 'bytes');
      case op.BINBYTES:
        return this.have(5) && this.sized(this.u32(p + 1), 5, 'bytes');
      case op.BINBYTES8:
        return this.have(9) && this.sized(this.u64(p + 1), 9, 'bytes');
      case op.BYTEARRAY8:
        return this.have(9) && this.sized(this.u64(p + 1), 9, 'bytearray');
      case op.SHORT_BINSTRING:
        return this.have(2) && this.sized(b[p + 1]!, 2, 'py2str');
      case op.BINSTRING: {
        if (!this.have(5)) return false;
        const n = this.u32(p + 1) | 0;
        if (n < 0) this.fail(this.at, `BINSTRING with a negative length (${n})`);
        return this.sized(n, 5, 'py2str');
      }
      case op.STRING: {
        const line = this.textLine();
        if (line === null) return false;
        const raw = unquoteStringLiteral(line.text);
        const s = raw === null ? null : decodeAscii(raw);
        if (s === null) this.fail(this.at, 'STRING argument is not a quoted ASCII string literal');
        return this.pushValue(s, line.length);
      }

      // ---- containers
      case op.EMPTY_TUPLE:
        return this.pushValue([], 1);
      case op.TUPLE1: {
        const a = this.pop();
        return this.pushValue([a], 1);
      }
      case op.TUPLE2: {
        const b2 = this.pop();
        const a = this.pop();
        return this.pushValue([a, b2], 1);
      }
      case op.TUPLE3: {
        const c = this.pop();
        const b2 = this.pop();
        const a = this.pop();
        return this.pushValue([a, b2, c], 1);
      }
      case op.TUPLE:
        return this.pushValue(this.popMark(), 1);
      case op.EMPTY_LIST:
        return this.pushValue(new PyList(), 1);
      case op.LIST:
        return this.pushValue(new PyList(this.popMark()), 1);
      case op.APPEND: {
        const v = this.pop();
        this.listOnTop('APPEND').items.push(v);
        return this.advance(1);
      }
      case op.APPENDS: {
        const items = this.popMark();
        const list = this.listOnTop('APPENDS');
        for (const v of items) list.items.push(v);
        return this.advance(1);
      }
      case op.EMPTY_DICT:
        return this.pushValue(new PyDict(this.keys), 1);
      case op.DICT: {
        const items = this.popMark();
        if (items.length % 2 !== 0) this.fail(this.at, 'DICT with an odd number of items');
        const d = new PyDict(this.keys);
        for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
        return this.pushValue(d, 1);
      }
      case op.SETITEM: {
        const v = this.pop();
        const k = this.pop();
        this.dictOnTop('SETITEM').set(k, v);
        return this.advance(1);
      }
      case op.SETITEMS: {
        const items = this.popMark();
        if (items.length % 2 !== 0) this.fail(this.at, 'SETITEMS with an odd number of items');
        const d = this.dictOnTop('SETITEMS');
        for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
        return this.advance(1);
      }

      // ---- globals and objects
      case op.GLOBAL: {
        const module = this.textLine();
        if (module === null) return false;
        const name = this.textLine(module.length - 1);
        if (name === null) return false;
        return this.pushValue(resolveGlobal(this.policy, module.text, name.text, this.proto), name.length);
      }
      case op.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          this.fail(this.at, `STACK_GLOBAL needs two str, got ${typeName(module)} and ${typeName(name)}`);
        }
        return this.pushValue(resolveGlobal(this.policy, module, name, this.proto), 1);
      }
      case op.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        return this.pushValue(instantiate(this.policy, 'NEWOBJ', cls, args, null, this.keys), 1);
      }
      case op.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        return this.pushValue(instantiate(this.policy, 'NEWOBJ_EX', cls, args, kwargs, this.keys), 1);
      }
      case op.REDUCE: {
        const args = this.pop();
        const fn = this.pop();
        return this.pushValue(reduce(this.policy, fn, args, this.keys), 1);
      }
      case op.BUILD: {
        const state = this.pop();
        build(this.top(), state);
        return this.advance(1);
      }

      // ---- refused: each would run code or needs something outside the file
      case op.INST:
      case op.OBJ:
        return this.refuse(`${op.opcodeName(code)} calls a class to create an object`);
      case op.PERSID:
      case op.BINPERSID:
        return this.refuse(`${op.opcodeName(code)} needs a persistent_load function (persistent ids)`);
      case op.EXT1:
      case op.EXT2:
      case op.EXT4:
        return this.refuse(`${op.opcodeName(code)} refers to a global through the copyreg extension registry`);
      case op.NEXT_BUFFER:
      case op.READONLY_BUFFER:
        return this.refuse(`${op.opcodeName(code)} needs out-of-band buffers`);
      case op.EMPTY_SET:
      case op.ADDITEMS:
      case op.FROZENSET:
        return this.refuse(`${op.opcodeName(code)} builds a set, which ${this.policy.purpose} never holds`);
      default:
        this.fail(this.at, `unknown opcode 0x${code.toString(16).padStart(2, '0')}: not a pickle, or a damaged one`);
    }
  }

  // ------------------------------------------------------------ byte access

  /** True when n bytes from `pos` are buffered; else records what is missing. */
  private have(n: number): boolean {
    const missing = this.pos + n - this.buf.length;
    return missing <= 0 || this.wait(missing);
  }

  private wait(missing: number): false {
    this.need = missing;
    return false;
  }

  private advance(n: number): true {
    this.pos += n;
    return true;
  }

  private u32(i: number): number {
    const b = this.buf;
    return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000;
  }

  private u64(i: number): number {
    const high = this.u32(i + 4);
    // Anything past 2^32 is far beyond MAX_STRING_BYTES anyway.
    return high === 0 ? this.u32(i) : Number.MAX_SAFE_INTEGER;
  }

  /**
   * A newline-terminated argument starting `skip` bytes after the opcode
   * byte (skip 0: right after it). `length` counts the opcode byte, the text
   * and the newline, so advance(length) moves past it.
   */
  private textLine(skip = 0): { text: string; bytes: Uint8Array; length: number } | null {
    const from = this.pos + 1 + skip;
    const b = this.buf;
    const limit = Math.min(b.length, from + MAX_TEXT_LINE + 1);
    let nl = from;
    while (nl < limit && b[nl] !== 0x0a) nl++;
    if (nl === limit) {
      if (limit - from > MAX_TEXT_LINE) this.fail(this.at, `${op.opcodeName(b[this.pos]!)} argument longer than ${MAX_TEXT_LINE} bytes`);
      this.wait(1);
      return null;
    }
    let end = nl;
    if (end > from && b[end - 1] === 0x0d) end--;
    const bytes = b.subarray(from, end);
    return { text: Buffer.from(bytes).toString('latin1'), bytes, length: nl + 1 - this.pos };
  }

  // ------------------------------------------------------------ stack

  private pushValue(v: PickleValue, length: number): true {
    this.stack.push(v);
    return this.advance(length);
  }

  private pop(): PickleValue {
    if (this.stack.length === 0) this.fail(this.at, `${op.opcodeName(this.buf[this.pos]!)} on an empty stack`);
    return this.stack.pop()!;
  }

  private top(): PickleValue {
    if (this.stack.length === 0) this.fail(this.at, `${op.opcodeName(this.buf[this.pos]!)} on an empty stack`);
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(): PickleValue[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (outer === undefined) this.fail(this.at, `${op.opcodeName(this.buf[this.pos]!)} without a MARK before it`);
    this.stack = outer;
    return items;
  }

  private listOnTop(what: string): PyList {
    const t = this.top();
    if (!(t instanceof PyList)) this.fail(this.at, `${what} needs a list on the stack, found ${typeName(t)}`);
    return t;
  }

  private dictOnTop(what: string): PyDict {
    const t = this.top();
    if (!(t instanceof PyDict)) this.fail(this.at, `${what} needs a dict on the stack, found ${typeName(t)}`);
    return t;
  }

  private put(index: number, length: number): true {
    if (index < 0) this.fail(this.at, `memo index ${index} is negative`);
    this.memo.set(index, this.top());
    return this.advance(length);
  }

  private get(index: number, length: number): true {
    const v = this.memo.get(index);
    if (v === undefined) this.fail(this.at, `memo index ${index} was never stored`);
    return this.pushValue(v, length);
  }

  // ------------------------------------------------------------ arguments

  private decimalArg(text: string, what: string): number {
    const v = parseDecimalInt(text);
    if (typeof v !== 'number') this.fail(this.at, `${what} argument ${JSON.stringify(text.slice(0, 40))} is not a memo index`);
    return v;
  }

  private intArg(text: string, what: string): number | bigint {
    if (text.length > MAX_LONG_BYTES * 3) this.fail(this.at, `${what} argument has more than ${MAX_LONG_BYTES * 3} digits`);
    const v = parseDecimalInt(text);
    if (v === null) this.fail(this.at, `${what} argument ${JSON.stringify(text.slice(0, 40))} is not an integer`);
    return v;
  }

  /** LONG1 / LONG4: n bytes of little-endian two's complement after a header of `header` bytes. */
  private long(n: number, header: number): boolean {
    if (n > MAX_LONG_BYTES) this.fail(this.at, `integer of ${n} bytes is larger than the limit of ${MAX_LONG_BYTES}`);
    if (!this.have(header + n)) return false;
    const start = this.pos + header;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[start + i]!);
    if (n > 0 && this.buf[start + n - 1]! >= 0x80) v -= 1n << BigInt(8 * n);
    const small = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
    return this.pushValue(small ? Number(v) : v, header + n);
  }

  /** A length-prefixed str / bytes / bytearray / Python 2 str of n bytes after a header. */
  private sized(n: number, header: number, kind: 'str' | 'bytes' | 'bytearray' | 'py2str'): boolean {
    if (n > MAX_STRING_BYTES) {
      this.fail(this.at, `${op.opcodeName(this.buf[this.pos]!)} declares ${n} bytes, more than the limit of ${MAX_STRING_BYTES}`);
    }
    if (!this.have(header + n)) return false;
    const start = this.pos + header;
    const bytes = this.buf.subarray(start, start + n);
    let v: PickleValue;
    if (kind === 'str' || kind === 'py2str') {
      const s = kind === 'str' ? decodeUtf8SurrogatePass(bytes) : decodeAscii(bytes);
      if (s === null) this.fail(this.at, `${op.opcodeName(this.buf[this.pos]!)} holds bytes that are not ${kind === 'str' ? 'UTF-8' : 'ASCII'}`);
      v = s;
    } else {
      v = new PyBytes(Uint8Array.from(bytes), kind === 'bytearray');
    }
    return this.pushValue(v, header + n);
  }

  // ------------------------------------------------------------ globals

  private refuse(what: string): never {
    this.fail(this.at, refusal(this.policy, what).message);
  }

  private fail(offset: number, detail: string): never {
    throw new PickleError(this.file, offset, detail);
  }
}

/** Read a whole pickle held in memory. */
export function readPickle(bytes: Uint8Array, file: string, policy: PicklePolicy): PickleValue {
  const r = new PickleReader(file, policy);
  r.push(bytes);
  return r.end();
}
