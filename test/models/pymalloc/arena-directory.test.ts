import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ArenaDirectory } from '../../../src/models/pymalloc/arena-directory.js';

/** What the directory says of granule g: its arenas, first then second. */
function arenasOf(d: ArenaDirectory, g: number): number[] {
  const i = d.find(g);
  if (i < 0) return [];
  return d.second(i) < 0 ? [d.first(i)] : [d.first(i), d.second(i)];
}

/** The obvious model: a Map from granule to the list of arena slots overlapping it. */
class ReferenceDirectory {
  private readonly map = new Map<number, number[]>();
  add(g: number, arena: number): void {
    const list = this.map.get(g) ?? [];
    list.push(arena);
    this.map.set(g, list);
  }
  remove(g: number, arena: number): void {
    const list = (this.map.get(g) ?? []).filter((a) => a !== arena);
    if (list.length === 0) this.map.delete(g);
    else this.map.set(g, list);
  }
  /** The arenas at g, as the directory reports them (in insertion order; [] for none). */
  arenas(g: number): number[] {
    return this.map.get(g) ?? [];
  }
  granules(): number[] {
    return [...this.map.keys()];
  }
  arenasAt(g: number): number[] {
    return this.map.get(g) ?? [];
  }
}

describe('ArenaDirectory', () => {
  test('packs two arenas per granule and forgets them one at a time', () => {
    const d = new ArenaDirectory();
    d.add(7, 3);
    d.add(7, 4);
    expect(arenasOf(d, 7)).toEqual([3, 4]);
    d.remove(7, 3);
    expect(arenasOf(d, 7)).toEqual([4]);
    d.remove(7, 4);
    expect(arenasOf(d, 7)).toEqual([]);
    expect(arenasOf(d, 8)).toEqual([]);
  });

  test('granules beyond 2^31 (addresses near 2^64 / 256 KiB arenas) are kept apart from their low 32 bits', () => {
    const d = new ArenaDirectory();
    d.add(5, 1);
    d.add(5 + 2 ** 32, 2);
    expect(arenasOf(d, 5)).toEqual([1]);
    expect(arenasOf(d, 5 + 2 ** 32)).toEqual([2]);
    d.remove(5, 1);
    expect(arenasOf(d, 5)).toEqual([]);
    expect(arenasOf(d, 5 + 2 ** 32)).toEqual([2]);
  });

  // Random adds and removes of overlapping arenas (as the model does them:
  // an arena covers one granule, or two when unaligned; at most two arenas
  // share a granule), checked against the Map after every step. Runs long
  // enough to grow the table several times and to delete inside probe runs
  // that wrap around its end.
  test('agrees with a Map on random arena lifetimes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(400), fc.boolean(), fc.nat(1000)), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 0, max: 2 ** 20 }),
        (steps, offset) => {
          const d = new ArenaDirectory();
          const ref = new ReferenceDirectory();
          const live = new Map<number, number[]>(); // arena slot -> granules
          let nextSlot = 0;
          for (const [start, unaligned, pick] of steps) {
            const granules = unaligned ? [offset + start, offset + start + 1] : [offset + start];
            const fits = granules.every((g) => ref.arenasAt(g).length < 2);
            if (fits && pick % 3 !== 0) {
              const slot = nextSlot++;
              live.set(slot, granules);
              for (const g of granules) {
                d.add(g, slot);
                ref.add(g, slot);
              }
            } else if (live.size > 0) {
              const slots = [...live.keys()];
              const slot = slots[pick % slots.length]!;
              for (const g of live.get(slot)!) {
                d.remove(g, slot);
                ref.remove(g, slot);
              }
              live.delete(slot);
            }
            for (const g of ref.granules()) expect(arenasOf(d, g)).toEqual(ref.arenas(g));
          }
          for (let g = offset; g < offset + 402; g++) expect(arenasOf(d, g)).toEqual(ref.arenas(g));
        },
      ),
      { seed: 20261121, numRuns: 60 },
    );
  });
});
