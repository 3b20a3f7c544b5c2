// A trace too big for the memory memreplay may use ends with one line, exit
// 2: what was held and how to go on - under node's own heap limit (which V8
// would otherwise end with its fatal "heap out of memory" abort and a native
// stack) and under --max-memory. The traces are made here: many distinct
// call stacks (which live on the JavaScript heap) and many live blocks.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { hasStackTrace, memreplay, tempDir, FIXTURES } from './helpers.js';

/** `rows` allocations never freed, each with a call stack of its own. */
function distinctStacksTrace(rows: number): Buffer {
  const lines = ['op,addr,size,frames'];
  for (let i = 0; i < rows; i++) lines.push(`alloc,0x${(0x100000000 + i * 64).toString(16)},32,app/module_${i}.py:${i};lib/other_${i}.py:${i + 1}`);
  return gzipSync(lines.join('\n') + '\n', { level: 1 });
}

/** A JSONL snapshot of `traces` traces, each with a traceback of its own. */
function distinctTracebacksSnapshot(traces: number): Buffer {
  const lines = ['{"op":"snapshot","label":"old"}'];
  for (let i = 0; i < traces; i++) lines.push(JSON.stringify({ op: 'trace', size: 32, domain: 0, frames: [`app/m_${i}.py:${i}`, `lib/o_${i}.py:${i}`] }));
  return Buffer.from(lines.join('\n') + '\n');
}

let dir: string;
let big: string;
let snapshot: string;

beforeAll(() => {
  dir = tempDir();
  big = join(dir, 'stacks.csv.gz');
  writeFileSync(big, distinctStacksTrace(250_000));
  snapshot = join(dir, 'snapshot.jsonl');
  writeFileSync(snapshot, distinctTracebacksSnapshot(200_000));
});

function expectOutOfMemory(r: { code: number; stderr: string }, reason: RegExp): void {
  expect(r.stderr, r.stderr).toMatch(/^memreplay: out of memory: /);
  expect(r.stderr).toMatch(reason);
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/FATAL ERROR|this is a bug/);
}

const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=64' };

describe('under node --max-old-space-size=64', () => {
  test.each([
    ['stats', ['stats']],
    ['leaks', ['leaks']],
    ['report', ['report', '--quiet']],
    ['check', ['check']],
  ])('%s stops with the heap, the stacks and the live blocks named', (_, args) => {
    const r = memreplay([...args, big], undefined, dir, SMALL_HEAP);
    expectOutOfMemory(r, /stacks\.csv\.gz: the JavaScript heap is at .+ of its 64\.0 MiB limit \(holding [\d,]+ live blocks after [\d,]+ events and [\d,]+ interned stacks of [\d,]+ distinct frames\); give node a larger heap \(NODE_OPTIONS=--max-old-space-size=128\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('diff of two traces', () => {
    const r = memreplay(['diff', big, big], undefined, dir, SMALL_HEAP);
    expectOutOfMemory(r, /stacks\.csv\.gz: the JavaScript heap is at/);
  });

  test('diff of two snapshots: what was read, and smaller snapshots as the way on', () => {
    const r = memreplay(['diff', snapshot, snapshot], undefined, dir, SMALL_HEAP);
    expectOutOfMemory(r, /snapshot\.jsonl: the JavaScript heap is at .+ \(holding .+ of the snapshot read\); give node a larger heap .+, or compare smaller snapshots/);
  });

  test('analyze of two traces on worker threads: one line each, exit 2', () => {
    const r = memreplay(['analyze', '--jobs', '2', big, join(FIXTURES, 'startup-3.11.csv.gz')], undefined, dir, SMALL_HEAP);
    expectOutOfMemory(r, /stacks\.csv\.gz: the JavaScript heap is at/);
    expect(r.stdout).toContain('startup-3.11.csv.gz');
  });

  test('a trace that fits is read as ever, also on worker threads (the heap flag is not passed to them as an argument)', () => {
    const r = memreplay(['analyze', '--jobs', '2', join(FIXTURES, 'startup-3.8.csv.gz'), join(FIXTURES, 'startup-3.11.csv.gz')], undefined, dir, SMALL_HEAP);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('--max-memory', () => {
  test('past the budget: out of memory, exit 2', () => {
    const r = memreplay(['stats', '--max-memory', '64MiB', big], undefined, dir);
    expectOutOfMemory(r, /stacks\.csv\.gz: memreplay's memory \(.+\) passed the --max-memory budget of 64\.0 MiB \(holding .+\); raise --max-memory/);
  });

  test('within it: the command runs', () => {
    const r = memreplay(['stats', '--max-memory', '2GiB', join(FIXTURES, 'startup-3.11.csv.gz')], undefined, dir);
    expect(r.code).toBe(0);
  });

  test('not a byte count: a usage error', () => {
    const r = memreplay(['stats', '--max-memory', 'lots', join(FIXTURES, 'startup-3.11.csv.gz')], undefined, dir);
    expect(r.stderr).toBe('memreplay: --max-memory must be a byte count above 0 (1048576, 512MiB, 2GB), got "lots"\n');
    expect(r.code).toBe(2);
  });
});
