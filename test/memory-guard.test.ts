// Running out of memory is an input too big for the limits, never a bug:
// the guard's errors are MemreplayErrors (exit 2) that say what was held and
// what to do, and the allocation failures JavaScript can see map to them.

import { afterEach, describe, expect, test } from 'vitest';
import { MemreplayError } from '../src/errors.js';
import { OutOfMemoryError, checkMemory, fullCollection, memoryBudget, outOfMemoryOf, setMemoryBudget } from '../src/memory-guard.js';

afterEach(() => setMemoryBudget(undefined));

describe('checkMemory', () => {
  test('within the limits it returns', () => {
    expect(() => checkMemory('t.csv', () => 'nothing')).not.toThrow();
  });

  test('past the --max-memory budget it throws an input error naming the file, what is held and the way on', () => {
    setMemoryBudget(1024);
    expect(memoryBudget()).toBe(1024);
    let error: unknown;
    try {
      checkMemory('t.csv', () => '5 live blocks after 9 events');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error).toBeInstanceOf(MemreplayError);
    const message = (error as Error).message;
    expect(message).toMatch(/^out of memory: t\.csv: memreplay's memory \(.+\) passed the --max-memory budget of 1.00 KiB \(holding 5 live blocks after 9 events\); raise --max-memory/);
    expect(message).not.toContain('\n');
  });
});

describe('outOfMemoryOf', () => {
  test.each([
    ['an ArrayBuffer refused (ulimit -v)', new RangeError('Array buffer allocation failed')],
    ['a string past V8 maximum', new RangeError('Invalid string length')],
    ['a typed array too long', new RangeError('Invalid typed array length: 4294967296')],
    ['a worker past its heap limit', Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' })],
    ['ENOMEM from the system', Object.assign(new Error('spawn ENOMEM'), { code: 'ENOMEM' })],
  ])('%s is out of memory', (_, e) => {
    const mapped = outOfMemoryOf(e, 'big.csv', () => '7 live blocks');
    expect(mapped).toBeInstanceOf(OutOfMemoryError);
    expect(mapped!.message).toMatch(/^out of memory: big\.csv: .+ \(holding 7 live blocks\); free memory or raise the process limits/);
  });

  test.each([
    ['a RangeError of a bug', new RangeError('Invalid typed array length: -1')],
    ['any other RangeError', new RangeError('offset is out of bounds')],
    ['a TypeError', new TypeError('x is not a function')],
    ['not an Error', 'Array buffer allocation failed'],
  ])('%s is not', (_, e) => {
    expect(outOfMemoryOf(e)).toBeNull();
  });

  test('an OutOfMemoryError stays itself', () => {
    const e = new OutOfMemoryError('r', 'h', 'a');
    expect(outOfMemoryOf(e)).toBe(e);
  });
});

describe('fullCollection', () => {
  test('frees dropped typed arrays before it returns, not later on a background sweeper', () => {
    // 25 MiB in arrays outside the JavaScript heap, as a replay holds its blocks and pools.
    let arrays: Float64Array[] | null = Array.from({ length: 200 }, () => new Float64Array(16384));
    fullCollection();
    const held = process.memoryUsage().arrayBuffers;
    expect(arrays.length).toBe(200);
    arrays = null;
    fullCollection();
    // With V8's default concurrent sweeping all 25 MiB were still counted here, on an idle machine too.
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(24 * 2 ** 20);
  });
});
