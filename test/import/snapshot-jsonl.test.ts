// JSONL snapshots (trace-format.md, "Snapshots"): choosing one of several by
// label, frames as text, line-level errors, and chunk boundaries.

import { describe, expect, test } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import { parseFrame } from '../../src/events/frame-text.js';
import { SnapshotJsonlParser, type SnapshotJsonlOptions } from '../../src/import/snapshot-jsonl.js';
import { sniffDiffInput } from '../../src/import/snapshot-sniff.js';
import type { Snapshot } from '../../src/events/snapshot.js';

const FILE = [
  '{"op":"meta","python":"3.12.1"}',
  '{"op":"snapshot","label":"before"}',
  '{"op":"trace","size":100,"domain":0,"frames":["main (app.py:40)","load (app.py:12)"]}',
  '{"op":"trace","size":50,"frames":["app.py:40","app.py:12"]}',
  '{"op":"snapshot","label":"after"}',
  '{"op":"trace","size":70,"frames":["<frozen importlib._bootstrap>:488"]}',
  '{"op":"trace","size":30}',
  '',
].join('\n');

function parse(text: string, options: SnapshotJsonlOptions = {}, step = text.length): Snapshot {
  const p = new SnapshotJsonlParser('s.jsonl', options);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, i + step));
  return p.end();
}

function errorOf(text: string, options: SnapshotJsonlOptions = {}): string {
  try {
    parse(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const summary = (s: Snapshot) => s.tracebacks.map((t) => [t.frames.map((f) => `${f.filename}:${f.lineno}`).join(' < '), t.size, t.count]);

describe('JSONL snapshots', () => {
  test('a label picks a snapshot; frames are oldest first and compare by (file, line), names aside', () => {
    const before = parse(FILE, { label: 'before' });
    expect(before.label).toBe('before');
    expect(before.traceCount).toBe(2);
    expect(before.totalSize).toBe(150);
    expect(summary(before)).toEqual([['app.py:40 < app.py:12', 150, 2]]);
    expect(before.tracebacks[0]!.frames[0]!.name).toBe('main');
    const after = parse(FILE, { label: 'after' });
    expect(summary(after)).toEqual([
      ['<frozen importlib._bootstrap>:488', 70, 1],
      ['<unknown>:0', 30, 1], // no frames: what tracemalloc records for a block without a Python frame
    ]);
  });

  test('the same snapshot whatever the chunk size (lines split anywhere, \\r\\n, a BOM)', () => {
    const text = '\uFEFF' + FILE.replace(/\n/g, '\r\n');
    const whole = parse(text, { label: 'after' });
    for (const step of [1, 2, 7, 50]) expect(parse(text, { label: 'after' }, step)).toEqual(whole);
  });

  test('frame text is read by the one frame parser: "f (a.py)", ":5" and a 20-digit line', () => {
    const frames = ['f (a.py)', ':5', 'a.py:12345678901234567890'];
    const s = parse(`{"op":"snapshot"}\n{"op":"trace","size":1,"frames":${JSON.stringify(frames)}}\n`);
    const read = s.tracebacks[0]!.frames.map((f) => [f.filename, f.lineno, f.name]);
    const expected = frames.map(parseFrame).map((f) => [f.file, f.line, f.func === '' ? undefined : f.func]);
    expect(read).toEqual(expected);
    expect(read[0]).toEqual(['a.py', 0, 'f']);
  });

  test('a file with one snapshot needs no label', () => {
    expect(parse('{"op":"snapshot","label":"only"}\n{"op":"trace","size":1,"frames":["a.py:1"]}\n').traceCount).toBe(1);
  });

  test.each([
    ['several snapshots and no label', FILE, {}, 's.jsonl: the file holds 2 snapshots (labels "before", "after"); choose one by its label'],
    ['a label that is not there', FILE, { label: 'x' }, 's.jsonl: no snapshot labelled "x"; the file has labels "before", "after"'],
    ['no snapshot at all', '{"op":"meta"}\n', {}, 's.jsonl: no {"op":"snapshot"} record: this file holds no snapshot'],
    ['a trace before the first snapshot', '{"op":"trace","size":1}\n', {}, 's.jsonl:1: a trace record before the first snapshot record'],
    ['a negative size', '{"op":"snapshot"}\n{"op":"trace","size":-1}\n', {}, 's.jsonl:2: "size" must be a whole number >= 0, got "-1"'],
    ['frames that are not strings', '{"op":"snapshot"}\n{"op":"trace","size":1,"frames":[1]}\n', {}, 's.jsonl:2: "frames" must be an array of strings ("file:line" or "function (file:line)"), oldest first'],
    ['an event record', '{"op":"snapshot"}\n{"op":"alloc","addr":"0x1","size":1}\n', {}, 's.jsonl:2: op "alloc" in a snapshot file: expected "snapshot" or "trace" (event records and snapshots cannot be mixed in one file)'],
    ['broken JSON', '{"op":"snapshot"}\n{"op":\n', {}, 's.jsonl:2: not a JSON object: "{\\"op\\":"'],
  ])('%s is a clear error', (_what, text, options, message) => {
    expect(errorOf(text, options)).toBe(message);
  });

  test('a line over 1 MiB is refused without holding more of it', () => {
    expect(errorOf('{"op":"snapshot"}\n' + ' '.repeat((1 << 20) + 10))).toBe(
      's.jsonl:2: line longer than 1 MiB; a snapshot file has one short JSON object a line',
    );
  });
});

describe('what diff was given, from the first bytes', () => {
  const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Uint8Array.from(s));
  test.each([
    ['a protocol 4 pickle', b([0x80, 4, 0x95]), 'snapshot-pickle'],
    ['a protocol 0 Snapshot pickle', b('ccopy_reg\n_reconstructor\n(ctracemalloc\n'), 'snapshot-pickle'],
    ['a JSONL snapshot', b('{"op":"snapshot","label":"a"}\n'), 'snapshot-jsonl'],
    ['a JSONL snapshot after a meta line', b('{"op":"meta"}\n{"op": "snapshot"}\n'), 'snapshot-jsonl'],
    ['a JSONL event trace', b('{"op":"meta"}\n{"op":"alloc"}\n{"op":"snapshot"}\n'), 'trace'],
    ['a CSV trace', b('# python: 3.11\nop,addr\n'), 'trace'],
    ['garbage', b([0, 1, 2]), 'trace'],
  ])('%s', (_what, head, kind) => {
    expect(sniffDiffInput(head)).toBe(kind);
  });
});
