// Text a trace carries besides its live state - mark labels, thread names,
// metadata, snapshot labels - is bounded in size in every reader, with a
// clear error naming file, line and the bound (record-fields.ts has them).

import { describe, expect, test } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import { OP_MARK } from '../../src/events/ops.js';
import { MAX_THREAD_NAME_CHARS } from '../../src/events/thread-table.js';
import { createCsvParser } from '../../src/import/csv.js';
import { ImportContext } from '../../src/import/import-context.js';
import { createJsonlParser } from '../../src/import/jsonl.js';
import { MAX_JSON_DEPTH, MAX_LABEL_CHARS, MAX_META_CHARS, jsonDepth, quoteJsonForMessage } from '../../src/import/record-fields.js';
import { SnapshotJsonlParser } from '../../src/import/snapshot-jsonl.js';
import type { TraceMeta } from '../../src/import/types.js';

interface Read {
  ctx: ImportContext;
  meta: TraceMeta | undefined;
  labels: string[];
  threads: string[];
}

function read(format: 'csv' | 'jsonl', text: string, lenient = false): Read {
  const ctx = new ImportContext(`t.${format}`, lenient);
  const out: Read = { ctx, meta: undefined, labels: [], threads: [] };
  const parser = (format === 'csv' ? createCsvParser : createJsonlParser)(ctx, {
    meta: (m) => (out.meta = { ...m }),
    batch: (b) => {
      for (let i = 0; i < b.length; i++) {
        if (b.op[i] === OP_MARK) out.labels.push(b.label[i]!);
        out.threads.push(ctx.threads.name(b.thread[i]!));
      }
    },
  });
  parser.push(Buffer.from(text));
  parser.end();
  return out;
}

function errorOf(format: 'csv' | 'jsonl', text: string): TraceFormatError {
  try {
    read(format, text);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return e as TraceFormatError;
  }
  throw new Error('expected the trace to be refused');
}

const longLabel = 'L'.repeat(MAX_LABEL_CHARS + 1);
const longName = 'T'.repeat(MAX_THREAD_NAME_CHARS + 1);

describe('mark labels', () => {
  test('a label of MAX_LABEL_CHARS is kept whole; one character more is a bad record at its line (CSV, quoted or not, and JSONL)', () => {
    const ok = 'k'.repeat(MAX_LABEL_CHARS);
    expect(read('csv', `op,label\nmark,${ok}\n`).labels).toEqual([ok]);
    expect(read('jsonl', `{"op":"mark","label":"${ok}"}\n`).labels).toEqual([ok]);
    const message = `mark label of ${MAX_LABEL_CHARS + 1} characters: expected at most ${MAX_LABEL_CHARS} (a label names a phase of the program)`;
    for (const [format, text] of [
      ['csv', `op,label\nmark,a\nmark,${longLabel}\n`],
      ['csv', `op,addr,size,old_addr,domain,label\nmark,,,,,a\nmark,,,,,"${longLabel}"\n`],
      ['jsonl', `{"op":"mark","label":"a"}\n{"op":"mark","label":"${longLabel}"}\n`],
    ] as const) {
      const e = errorOf(format, text);
      expect(e.line).toBe(format === 'csv' ? 3 : 2);
      expect(e.detail).toBe(message);
    }
  });

  test('lenient: over-long labels are skipped and counted, the rest is read', () => {
    const text = `op,label\nmark,a\n${`mark,"${longLabel}"\n`.repeat(50)}mark,b\n`;
    const r = read('csv', text, true);
    expect(r.labels).toEqual(['a', 'b']);
    expect(r.ctx.skippedRecords).toBe(50);
  });
});

describe('thread names', () => {
  test('a name of MAX_THREAD_NAME_CHARS is kept; longer is a bad record (CSV fast and slow paths, JSONL)', () => {
    const ok = 't'.repeat(MAX_THREAD_NAME_CHARS);
    const header = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n';
    expect(read('csv', `${header}alloc,0x10,8,,,,${ok},,,\n`).threads).toEqual([ok]);
    const message = `thread name of ${MAX_THREAD_NAME_CHARS + 1} characters: expected at most ${MAX_THREAD_NAME_CHARS}`;
    expect(errorOf('csv', `${header}alloc,0x10,8,,,,${longName},,,\n`).detail).toBe(message);
    expect(errorOf('csv', `${header}alloc,0x10,8,,,,"${longName}",,,\n`).detail).toBe(message);
    expect(errorOf('jsonl', `{"op":"alloc","addr":"0x10","size":8,"thread":"${longName}"}\n`).detail).toBe(message);
  });
});

describe('metadata', () => {
  test('CSV # key: value lines past MAX_META_CHARS in all are refused at the line that passes it', () => {
    const value = 'v'.repeat(1000);
    const lines = Math.ceil(MAX_META_CHARS / 1003) + 1;
    const text = `${Array.from({ length: lines }, (_, i) => `# k${i}: ${value}\n`).join('')}op,label\nmark,a\n`;
    const e = errorOf('csv', text);
    expect(e.detail).toBe('more than 1024 Ki characters of # key: value metadata: expected a few short lines (the trace\'s metadata is kept whole)');
    expect(e.line).toBeLessThanOrEqual(lines);
    expect(e.line).toBeGreaterThan(lines - 5);
    // Comments without a key are not metadata and cost nothing.
    expect(read('csv', `${'# just a comment\n'.repeat(50_000)}op,label\nmark,a\n`).labels).toEqual(['a']);
  });

  test('a JSONL meta value nested 5000 deep is a bad record at line 1, not a stack overflow; 64 deep is kept', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    const e = errorOf('jsonl', `{"op":"meta","python":"3.12","x":${deep(5000)}}\n{"op":"mark","label":"a"}\n`);
    expect(e.line).toBe(1);
    expect(e.detail).toBe(`meta value "x" nests arrays or objects more than ${MAX_JSON_DEPTH} deep: expected plain values or shallow JSON`);
    const lenient = read('jsonl', `{"op":"meta","x":${deep(5000)}}\n{"op":"mark","label":"a"}\n`, true);
    expect(lenient.meta).toEqual({});
    expect(lenient.labels).toEqual(['a']);
    expect(read('jsonl', `{"op":"meta","x":${deep(MAX_JSON_DEPTH)}}\n{"op":"mark","label":"a"}\n`).meta).toEqual({ x: deep(MAX_JSON_DEPTH) });
  });

  test('jsonDepth counts without recursion and stops past its limit', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth('text')).toBe(0);
    expect(quoteJsonForMessage(deep)).toBe('a deeply nested array');
    expect(quoteJsonForMessage({ a: 1 })).toBe('"{\\"a\\":1}"');
  });
});

describe('JSONL snapshot files', () => {
  function snapshotError(text: string): string {
    const p = new SnapshotJsonlParser('s.jsonl');
    try {
      p.push(Buffer.from(text));
      p.end();
    } catch (e) {
      expect(e).toBeInstanceOf(TraceFormatError);
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  test('a label, size or op nested 5000 deep is a clear error, not a stack overflow', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(snapshotError(`{"op":"snapshot","label":${deep}}\n`)).toBe('s.jsonl:1: "label" must be a string, got a deeply nested array');
    expect(snapshotError(`{"op":"snapshot"}\n{"op":"trace","size":${deep}}\n`)).toBe('s.jsonl:2: "size" must be a whole number >= 0, got a deeply nested array');
    expect(snapshotError(`{"op":${deep}}\n`)).toMatch(/^s\.jsonl:1: op a deeply nested array in a snapshot file: expected "snapshot" or "trace"/);
  });

  test('a snapshot label past MAX_LABEL_CHARS is refused; thousands of snapshots keep only the labels a message shows', () => {
    expect(snapshotError(`{"op":"snapshot","label":"${longLabel}"}\n`)).toBe(`s.jsonl:1: snapshot label of ${MAX_LABEL_CHARS + 1} characters: expected at most ${MAX_LABEL_CHARS}`);
    const many = Array.from({ length: 5000 }, (_, i) => `{"op":"snapshot","label":"s${i}"}\n{"op":"trace","size":${i},"frames":["a.py:1"]}\n`).join('');
    const p = new SnapshotJsonlParser('s.jsonl', { label: 's4999' });
    p.push(Buffer.from(many));
    const s = p.end();
    expect(s.label).toBe('s4999');
    expect(s.totalSize).toBe(4999);
    expect((p as unknown as { labels: string[] }).labels.length).toBeLessThanOrEqual(11);
    expect(snapshotError(many)).toMatch(/the file holds 5000 snapshots \(labels "s0", "s1", .*"s9", …\); choose one by its label$/);
  });
});
