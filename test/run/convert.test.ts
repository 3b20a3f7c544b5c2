// `convert` is exact both ways: every sample trace (traces/) and every shared
// CPython trace, converted to .mrt and from there to CSV, gzip'd CSV and
// JSONL (and the .mrt read back through each of them), means the same to
// memreplay as the original (test/import/trace-digest.ts). And the output is
// written as every file memreplay writes: atomically, never over a file
// without force, never over its input.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { convertTrace } from '../../src/run/convert.js';
import { ROOT, tempDir } from '../cli/helpers.js';
import { traceDigest } from '../import/trace-digest.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The repository's sample traces and its copy of the shared CPython traces, with the shared folder itself when it is beside the repository (CI). */
function sampleTraces(): string[] {
  const folders = [join(ROOT, 'traces'), join(ROOT, 'test', 'fixtures', 'cpython-traces'), join(ROOT, '..', 'shared', 'cpython-traces')];
  const byName = new Map<string, string>();
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((n) => /\.(csv|jsonl)(\.gz)?$/.test(n))) {
      const path = join(folder, name);
      const same = byName.get(name);
      // The repository's copy of a shared trace is the same file: read once.
      if (same === undefined || !readFileSync(same).equals(readFileSync(path))) byName.set(same === undefined ? name : path, path);
    }
  }
  return [...byName.values()].sort();
}

const traces = sampleTraces();

test('finds the sample and shared traces', () => {
  expect(traces.length).toBeGreaterThanOrEqual(18);
});

describe.each(traces.map((t, i) => [t.slice(ROOT.length + 1), t, i]))('%s', (_name, trace, index) => {
  test('round-trips through .mrt, CSV and JSONL exactly', async () => {
    const base = join(dir, `${index}-${String(trace).split('/').pop()!.replace(/\.(csv|jsonl)(\.gz)?$/, '')}`);
    const original = await traceDigest(trace!);
    expect(original.events).toBeGreaterThan(1000);
    const mrt = `${base}.mrt`;
    const converted = await convertTrace(trace!, mrt);
    expect(converted.events).toBe(original.events);
    expect(await traceDigest(mrt)).toEqual(original);
    // The .mrt holds every event, stack and thread in order of first use, so
    // a text file that converts back to the same bytes means the same.
    for (const ext of ['csv', 'jsonl']) {
      const text = `${base}.${ext}`;
      await convertTrace(mrt, text);
      const again = `${base}-${ext}.mrt`;
      await convertTrace(text, again);
      expect(readFileSync(again).equals(readFileSync(mrt))).toBe(true);
    }
    expect(statSync(mrt).size).toBeLessThan(statSync(trace!).size);
  }, 120_000);
});

describe('the output file', () => {
  const input = join(ROOT, 'traces', 'startup-3.8.csv.gz');

  test('is not replaced without force, and is with it', async () => {
    const out = join(dir, 'exists.mrt');
    writeFileSync(out, 'keep me');
    await expect(convertTrace(input, out)).rejects.toThrow(`${out} exists; pass --force to overwrite it`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    await convertTrace(input, out, { output: { force: true } });
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('MRT');
  });

  test('is never the input, even with force', async () => {
    const copy = join(dir, 'self.csv');
    await convertTrace(input, copy);
    await expect(convertTrace(copy, copy, { output: { force: true } })).rejects.toThrow(/input/);
  });

  test('is gzip compressed when its name ends in .gz, and reads back the same', async () => {
    const mrt = join(dir, 'gz-source.mrt');
    await convertTrace(input, mrt);
    for (const ext of ['csv.gz', 'jsonl.gz']) {
      const out = join(dir, `gz.${ext}`);
      const run = await convertTrace(mrt, out);
      expect(run.to).toEqual({ format: ext.split('.')[0], gzip: true });
      expect([...readFileSync(out).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      const back = join(dir, `gz-${ext}.mrt`);
      await convertTrace(out, back);
      expect(readFileSync(back).equals(readFileSync(mrt))).toBe(true);
    }
  });

  test('is named for its format, or refused', async () => {
    await expect(convertTrace(input, join(dir, 'out.txt'))).rejects.toThrow(/end it in \.mrt, \.csv, \.csv\.gz, \.jsonl or \.jsonl\.gz/);
    await expect(convertTrace(input, join(dir, 'out.mrt.gz'))).rejects.toThrow(/end it in/);
  });

  test('is not left behind, whole or in part, when the input fails', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'op,addr,size\nalloc,0x10,16\nallok,0x20,16\n');
    const out = join(dir, 'bad.mrt');
    await expect(convertTrace(bad, out)).rejects.toThrow(/bad\.csv:3: unknown op "allok"/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('bad.mrt'))).toEqual([]);
  });
});

describe('the native contract through .mrt', () => {
  const natives = ['mixed.csv', 'mixed.jsonl'].map((n) => join(ROOT, 'test', 'fixtures', 'native', n));

  test.each(natives)('%s round-trips through .mrt, CSV and JSONL exactly: native domain, mapping ops, old addresses', async (trace) => {
    const base = join(dir, `native-${trace.split('/').pop()!.replace('.', '-')}`);
    const original = await traceDigest(trace);
    const mrt = `${base}.mrt`;
    await convertTrace(trace, mrt);
    expect(await traceDigest(mrt)).toEqual(original);
    for (const ext of ['csv', 'jsonl']) {
      const text = `${base}.${ext}`;
      await convertTrace(mrt, text);
      expect(await traceDigest(text)).toEqual(original);
      const again = `${base}-${ext}.mrt`;
      await convertTrace(text, again);
      expect(readFileSync(again).equals(readFileSync(mrt))).toBe(true);
    }
  });
});
