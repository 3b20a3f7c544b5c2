// Mutations of real inputs: byte flips, interesting bytes, insertions,
// deletions, duplication of a range, truncation, line-level shuffles and
// splicing two inputs. Each keeps the result under MAX_MUTANT_BYTES, so a
// case costs at most a few milliseconds to read.

import type { Rng } from './rng.js';

export const MAX_MUTANT_BYTES = 64 * 1024;

/** Bytes that mean something to one of the readers (separators, quotes, pickle opcodes, UTF-8 lead bytes). */
const INTERESTING = [
  0x00, 0x0a, 0x0d, 0x22, 0x23, 0x2c, 0x3b, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x30, 0x39, 0x78, 0x2d, 0x2e, 0x28, 0x29,
  0x80, 0x95, 0x94, 0x8c, 0x71, 0x68, 0x5c, 0xc3, 0xe2, 0xef, 0xf0, 0xff, 0x1f, 0x8b, 0x20,
];

/** Text fragments that sit on a boundary of some field's grammar. */
const TOKENS = [
  '0x', '0xffffffffffffffff', '0x10000000000000000', '18446744073709551616', '9007199254740993', '-1', '1e3', '1.5',
  'NaN', '""', '"', ',,,,', '\r\n', '\n\n', '# python: 3.11.2\n', '# complete: true\n', 'op,addr,size\n',
  '{"op":"meta"}\n', 'null', 'true', '[]', '{}', '\\u0000', '\\ud800', '\u00e9', '\u{1f600}', '\ufeff', 'stack', 'mark',
  'alloc', 'free', 'realloc', 'arena_alloc', 'arena_free', 'calloc', 'obj', 'mem', 'raw', ';', ':0', '(x.py:1)',
];

export type Mutation = (bytes: Uint8Array, rng: Rng, other: Uint8Array) => Uint8Array;

function clip(bytes: Uint8Array): Uint8Array {
  return bytes.length > MAX_MUTANT_BYTES ? bytes.subarray(0, MAX_MUTANT_BYTES) : bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return clip(Buffer.concat(parts));
}

const flipBits: Mutation = (bytes, rng) => {
  if (bytes.length === 0) return bytes;
  const out = Uint8Array.from(bytes);
  for (let n = rng.small(16); n > 0; n--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
  return out;
};

const setInteresting: Mutation = (bytes, rng) => {
  if (bytes.length === 0) return bytes;
  const out = Uint8Array.from(bytes);
  for (let n = rng.small(8); n > 0; n--) out[rng.int(out.length)] = rng.pick(INTERESTING);
  return out;
};

const insertToken: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  return concat(bytes.subarray(0, at), Buffer.from(rng.pick(TOKENS)), bytes.subarray(at));
};

const insertRandom: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  const junk = new Uint8Array(rng.small(64));
  for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
  return concat(bytes.subarray(0, at), junk, bytes.subarray(at));
};

const deleteRange: Mutation = (bytes, rng) => {
  if (bytes.length === 0) return bytes;
  const at = rng.int(bytes.length);
  const n = rng.small(bytes.length - at);
  return concat(bytes.subarray(0, at), bytes.subarray(at + n));
};

/** A range copied over or into another place: repeated records, repeated opcodes. */
const duplicateRange: Mutation = (bytes, rng) => {
  if (bytes.length === 0) return bytes;
  const from = rng.int(bytes.length);
  const piece = bytes.subarray(from, from + rng.small(bytes.length - from));
  const at = rng.int(bytes.length + 1);
  const times = rng.small(rng.chance(0.05) ? 500 : 4);
  return concat(bytes.subarray(0, at), ...new Array<Uint8Array>(times).fill(piece), bytes.subarray(at));
};

const truncate: Mutation = (bytes, rng) => bytes.subarray(0, rng.int(bytes.length + 1));

/** The start of one input and the end of another (another format, another version). */
const splice: Mutation = (bytes, rng, other) =>
  concat(bytes.subarray(0, rng.int(bytes.length + 1)), other.subarray(rng.int(other.length + 1)));

/** One line repeated, dropped or moved: records out of order, a header twice. */
const shuffleLines: Mutation = (bytes, rng) => {
  const lines = Buffer.from(bytes).toString('latin1').split('\n');
  if (lines.length < 2) return bytes;
  const i = rng.int(lines.length);
  const j = rng.int(lines.length);
  const choice = rng.int(3);
  if (choice === 0) lines.splice(j, 0, lines[i]!);
  else if (choice === 1) lines.splice(i, 1);
  else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return clip(Buffer.from(lines.join('\n'), 'latin1'));
};

/** One very long run of a byte: fields and lines past every length limit. */
const longRun: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  const run = new Uint8Array(rng.range(1000, MAX_MUTANT_BYTES)).fill(rng.pick([0x61, 0x30, 0x3b, 0x2c, 0x22, 0x20, 0x5b]));
  return concat(bytes.subarray(0, at), run, bytes.subarray(at));
};

const MUTATIONS: readonly Mutation[] = [
  flipBits, flipBits, setInteresting, setInteresting, insertToken, insertToken, insertRandom, deleteRange,
  duplicateRange, duplicateRange, truncate, splice, shuffleLines, shuffleLines,
];

/** One to four mutations in a row; rarely a long run. */
export function mutate(bytes: Uint8Array, rng: Rng, other: Uint8Array): Uint8Array {
  let out = bytes;
  for (let n = rng.small(4); n > 0; n--) out = rng.pick(MUTATIONS)(out, rng, other);
  if (rng.chance(0.01)) out = longRun(out, rng, other);
  return out;
}
