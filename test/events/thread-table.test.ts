// The thread table: bounded in names and in their length.

import { describe, expect, test } from 'vitest';
import { MAX_THREAD_NAME_CHARS, MAX_THREADS, ThreadTable, threadNameTooLong } from '../../src/events/thread-table.js';

describe('ThreadTable', () => {
  test('numbers and names are interned once each', () => {
    const t = new ThreadTable();
    expect(t.internNumber(7)).toBe(t.internNumber(7));
    expect(t.internString('worker')).toBe(t.internString('worker'));
    expect(t.count).toBe(2);
    expect(t.name(t.internString('worker'))).toBe('worker');
  });

  test('past MAX_THREADS every new thread shares one id and is not remembered', () => {
    const t = new ThreadTable();
    for (let i = 0; i < MAX_THREADS + 5000; i++) t.internString(`thread-${i}`);
    expect(t.count).toBe(MAX_THREADS);
    const overflow = t.internString('yet another');
    expect(overflow).toBe(MAX_THREADS - 1);
    expect(t.name(overflow)).toBe('(other threads)');
    // What is remembered stays within the table: the overflow names are not kept to be found again.
    expect((t as unknown as { byString: Map<string, number> }).byString.size).toBeLessThan(MAX_THREADS);
  });

  test('a name longer than MAX_THREAD_NAME_CHARS is cut (importers refuse it first) and found again by its cut', () => {
    const t = new ThreadTable();
    const long = 'n'.repeat(MAX_THREAD_NAME_CHARS + 1);
    const id = t.internString(long);
    expect(t.name(id)).toHaveLength(MAX_THREAD_NAME_CHARS);
    expect(t.internString(long)).toBe(id);
    expect(t.count).toBe(1);
    expect(threadNameTooLong(long)).toBe(`thread name of ${MAX_THREAD_NAME_CHARS + 1} characters: expected at most 256`);
  });
});
