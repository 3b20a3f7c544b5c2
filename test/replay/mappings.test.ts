// Anonymous mappings (src/replay/mappings.ts) against a page-by-page
// reference: random mmap/munmap/mremap sequences agree on every byte count.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnonymousMappings, MappingLimitError } from '../../src/replay/mappings.js';

const PAGE = 4096;

/** The obviously correct model: each mapped page and the mapping (the mmap call) it belongs to. */
class PageSet {
  readonly pages = new Map<number, number>();
  private calls = 0;
  map(addr: number, size: number): number {
    const replaced = this.unmap(addr, size);
    const id = ++this.calls;
    for (let p = addr; p < addr + size; p += PAGE) this.pages.set(p, id);
    return replaced;
  }
  unmap(addr: number, size: number): number {
    let n = 0;
    for (let p = addr; p < addr + size; p += PAGE) if (this.pages.delete(p)) n += PAGE;
    return n;
  }
  /** To the end of the run of pages of the same mapping (two mappings side by side stay two). */
  sizeFrom(addr: number): number {
    const id = this.pages.get(addr);
    if (id === undefined) return -1;
    let p = addr;
    while (this.pages.get(p) === id) p += PAGE;
    return p - addr;
  }
}

describe('anonymous mappings', () => {
  it('splits a mapping that munmap cuts in the middle, and mremap takes the piece to its end', () => {
    const m = new AnonymousMappings();
    m.map(0x10000, 16 * PAGE);
    expect(m.unmap(0x10000 + 4 * PAGE, PAGE)).toBe(PAGE);
    expect(m.count).toBe(2);
    expect(m.bytes).toBe(15 * PAGE);
    expect(m.sizeFrom(0x10000 + 5 * PAGE)).toBe(11 * PAGE);
    expect(m.sizeFrom(0x10000 + 4 * PAGE)).toBe(-1);
    expect(m.sizeFrom(0x10000 + PAGE)).toBe(3 * PAGE);
  });

  it('does not split a mapping on an empty range', () => {
    const m = new AnonymousMappings();
    m.map(0x10000, 2 * PAGE);
    expect(m.unmap(0x10000 + PAGE, 0)).toBe(0);
    m.map(0x10000 + PAGE, 0);
    expect(m.count).toBe(1);
    expect(m.sizeFrom(0x10000)).toBe(2 * PAGE);
  });

  it('unmaps several mappings at once, and nothing where nothing is mapped', () => {
    const m = new AnonymousMappings();
    m.map(0x10000, PAGE);
    m.map(0x20000, PAGE);
    m.map(0x30000, PAGE);
    expect(m.unmap(0x10000, 0x20000 + PAGE - 0x10000)).toBe(2 * PAGE);
    expect(m.count).toBe(1);
    expect(m.unmap(0x50000, PAGE)).toBe(0);
  });

  it('agrees with a page-by-page reference on random sequences', () => {
    const op = fc.record({ kind: fc.constantFrom('map', 'unmap', 'remap'), page: fc.integer({ min: 0, max: 63 }), pages: fc.integer({ min: 0, max: 12 }), to: fc.integer({ min: 0, max: 63 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m = new AnonymousMappings();
        const ref = new PageSet();
        for (const o of ops) {
          const addr = o.page * PAGE;
          if (o.kind === 'map') expect(m.map(addr, o.pages * PAGE)).toBe(ref.map(addr, o.pages * PAGE));
          else if (o.kind === 'unmap') expect(m.unmap(addr, o.pages * PAGE)).toBe(ref.unmap(addr, o.pages * PAGE));
          else {
            const old = ref.sizeFrom(addr);
            expect(m.sizeFrom(addr)).toBe(old);
            if (old > 0) {
              m.unmap(addr, old);
              ref.unmap(addr, old);
            }
            m.map(o.to * PAGE, o.pages * PAGE);
            ref.map(o.to * PAGE, o.pages * PAGE);
          }
          expect(m.bytes).toBe(ref.pages.size * PAGE);
        }
        let total = 0;
        let last = -1;
        m.forEach((start, size) => {
          expect(start).toBeGreaterThan(last);
          expect(size).toBeGreaterThan(0);
          last = start + size - 1;
          total += size;
        });
        expect(total).toBe(m.bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('stops with a clear error past its bound, also when a hole splits a mapping', () => {
    const m = new AnonymousMappings(2);
    m.map(0x10000, 4 * PAGE);
    m.map(0x20000, PAGE);
    expect(() => m.map(0x30000, PAGE)).toThrow(MappingLimitError);
    expect(() => m.unmap(0x10000 + PAGE, PAGE)).toThrow('more than 2 anonymous mappings live at once');
  });
});
