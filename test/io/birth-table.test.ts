// The writer's table of addresses born in a chunk: the same answers as a Map
// through random births, releases and chunk ends, with addresses beyond 2^32
// and colliding probe runs (deletions in the middle of a run).

import { describe, expect, test } from 'vitest';
import { BirthTable } from '../../src/io/birth-table.js';

describe('BirthTable', () => {
  test('answers as a Map would, through random births, releases and clears', () => {
    const table = new BirthTable();
    const map = new Map<number, number>();
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    // Few distinct addresses, so that births land on addresses already there and releases find them; some past 2^32.
    const addresses = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0x7f0000000000 + i * 16 : 0x1000 + i * 16));
    let births = 0;
    for (let step = 0; step < 200_000; step++) {
      const address = addresses[next(addresses.length)]!;
      const r = next(100);
      if (r < 55) {
        table.set(address, births);
        map.set(address, births);
        births++;
      } else if (r < 99) {
        expect(table.take(address)).toBe(map.get(address) ?? -1);
        map.delete(address);
      } else if (next(50) === 0) {
        table.clear();
        map.clear();
      }
    }
    for (const address of addresses) expect(table.take(address)).toBe(map.get(address) ?? -1);
  });

  test('forgets everything at a clear, and a later birth replaces an earlier one', () => {
    const table = new BirthTable();
    table.set(0x10, 0);
    table.set(0x10, 5);
    expect(table.take(0x10)).toBe(5);
    expect(table.take(0x10)).toBe(-1);
    table.set(0x20, 1);
    table.clear();
    expect(table.take(0x20)).toBe(-1);
  });
});
