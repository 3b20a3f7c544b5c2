// The stack table's bounds: in entries and in bytes, and interned text that
// keeps nothing alive but itself.

import { describe, expect, test } from 'vitest';
import { MAX_HASHED_KEY_CHARS } from '../../src/events/long-keys.js';
import { MAX_FRAME_CHARS, MAX_STACK_TABLE_BYTES, StackLimitError, StackTable } from '../../src/events/stack-table.js';

describe('StackTable', () => {
  test('interns frames and stacks once, a repeated inline stack by its text', () => {
    const t = new StackTable();
    const a = t.internJoined('a.py:1;b.py:2');
    expect(t.internJoined('a.py:1;b.py:2')).toBe(a);
    expect(t.intern(['a.py:1', 'b.py:2'])).toBe(a);
    expect(t.frames(a)).toEqual(['a.py:1', 'b.py:2']);
    expect(t.frameCount).toBe(2);
  });

  test('frame text past MAX_FRAME_CHARS is cut', () => {
    const t = new StackTable();
    const id = t.intern(['f'.repeat(MAX_FRAME_CHARS + 10)]);
    expect(t.frames(id)[0]).toBe('f'.repeat(MAX_FRAME_CHARS) + '…');
  });

  test('distinct frames and stacks are bounded in bytes, not only in count, with an error naming the bound', () => {
    expect(MAX_STACK_TABLE_BYTES).toBe(256 * 1024 * 1024);
    const t = new StackTable(1 << 20);
    const frame = (i: number): string => `${'x'.repeat(1000)}${i}`;
    let interned = 0;
    const fill = (): void => {
      for (;;) t.intern([frame(interned++)]);
    };
    expect(fill).toThrow(StackLimitError);
    expect(fill).toThrow(/^more than 1 MiB of distinct stacks and frame text \(\d+ frames, \d+ stacks\): memreplay keeps at most that much$/);
    // About 1 MiB of 1 KiB frames, each with its one-frame stack: some hundreds, not the 4 M entries of the count bound.
    expect(interned).toBeGreaterThan(400);
    expect(interned).toBeLessThan(1100);
  });

  test('a repeated stack costs nothing more once interned', () => {
    const t = new StackTable(64 * 1024);
    const id = t.internJoined('a.py:1;b.py:2');
    for (let i = 0; i < 100_000; i++) expect(t.intern(['a.py:1', 'b.py:2'])).toBe(id);
  });

  test('no map key is longer than V8 hashes by content (longer ones would be compared one by one)', () => {
    const t = new StackTable();
    const frames = Array.from({ length: 40 }, (_, i) => `${'f'.repeat(1000)}${i}`);
    const id = t.internJoined(frames.join(';'));
    expect(t.internJoined(frames.join(';'))).toBe(id);
    const keys = [...(t as unknown as { stackIds: Map<string, number> }).stackIds.keys()];
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThanOrEqual(MAX_HASHED_KEY_CHARS);
  });
});
