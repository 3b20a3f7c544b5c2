// The live-block hash past its largest table: a LiveBlockLimitError naming
// the limit, not a RangeError from a typed array too long (its int32 view
// outgrows 2^32 elements past MAX_CAPACITY). The limit is lowered here; the
// default's arithmetic is checked against the typed-array ceiling.

import { describe, expect, it } from 'vitest';
import { LiveBlockLimitError, LiveBlocks, MAX_CAPACITY } from '../../src/replay/live-blocks.js';

function insertMany(table: LiveBlocks, n: number): void {
  for (let i = 0; i < n; i++) {
    const address = 0x10000 + i * 16;
    table.insert(address, table.find(address), address, -1, 32, 0, 0, i, i, false);
  }
}

describe('the live-block hash', () => {
  it('holds a quarter of its largest table live; a rehash that would need a larger table is a LiveBlockLimitError', () => {
    const table = new LiveBlocks(2 ** 14);
    insertMany(table, 2 ** 12);
    expect(table.live).toBe(2 ** 12);
    // (A table is rehashed when half full: the error comes at that insert.)
    expect(() => insertMany(new LiveBlocks(2 ** 14), 2 ** 14)).toThrow(LiveBlockLimitError);
    expect(() => insertMany(new LiveBlocks(2 ** 14), 2 ** 14)).toThrow('more than 4,096 blocks live at once outside the pool store');
  });

  it('keeps its largest table within a typed array: 12 int32 words an entry, 2^32 at most', () => {
    expect(MAX_CAPACITY * 12).toBeLessThanOrEqual(2 ** 32);
    expect(new LiveBlockLimitError(MAX_CAPACITY / 4).message).toContain('more than 67,108,864 blocks');
  });
});
