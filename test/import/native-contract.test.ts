// The native trace contract (issue 14) in both text importers: the native
// domain, the mapping ops and native frames read from the hand-written
// fixtures in test/fixtures/native, the same from CSV and JSONL, and through
// every chunking.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src/events/event-batch.js';
import { DOMAIN_NAMES, NO_ID, OP_NAMES } from '../../src/events/ops.js';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import type { TraceMeta } from '../../src/import/types.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'native');

interface Read {
  meta: TraceMeta;
  events: { op: string; domain: string; addr: string; oldAddr: string; size: number; frames: string[] | null }[];
}

function read(name: string, chunk?: number): Read {
  const bytes = readFileSync(join(FIXTURES, name));
  const ctx = new ImportContext(name);
  const out: Read = { meta: {}, events: [] };
  const sink = {
    meta: (m: TraceMeta) => void (out.meta = m),
    batch: (b: EventBatch) => {
      for (let i = 0; i < b.length; i++) {
        out.events.push({
          op: OP_NAMES[b.op[i]!]!,
          domain: DOMAIN_NAMES[b.domain[i]!]!,
          addr: ctx.addresses.format(b.addr[i]!),
          oldAddr: ctx.addresses.format(b.oldAddr[i]!),
          size: b.size[i]!,
          frames: b.stack[i] === NO_ID ? null : ctx.stacks.frames(b.stack[i]!),
        });
      }
    },
  };
  parseTraceBytes(bytes, { fileName: name, context: ctx, batchCapacity: chunk }, sink);
  return out;
}

describe('the native contract in the text importers', () => {
  it('reads the native domain, the mapping ops with their old address, and mixed stacks from CSV', () => {
    const { meta, events } = read('mixed.csv');
    expect(meta['native']).toBe('true');
    expect(meta['native_frames']).toBe('16');
    expect(events.map((e) => `${e.op}/${e.domain}`)).toEqual([
      'arena_alloc/obj',
      'alloc/obj',
      'alloc/native',
      'calloc/native',
      'realloc/native',
      'mmap/native',
      'munmap/native',
      'mremap/native',
      'free/native',
      'mark/obj',
    ]);
    const mremap = events.find((e) => e.op === 'mremap')!;
    expect([mremap.addr, mremap.size, mremap.oldAddr]).toEqual(['0x7f2000000000', 131072, '0x7f1000005000']);
    // Only realloc and mremap carry an old address.
    expect(events.filter((e) => e.oldAddr !== '0x0').map((e) => e.op)).toEqual(['realloc', 'mremap']);
    const frames = events.find((e) => e.op === 'alloc' && e.domain === 'native')!.frames!;
    expect(frames.at(-1)).toBe('copy_item (ring.c:12) [_ring.cpython-311-x86_64-linux-gnu.so+0x11a0]');
  });

  it('reads the same events from the JSONL twin, the metadata as its text', () => {
    const csv = read('mixed.csv');
    const jsonl = read('mixed.jsonl');
    expect(jsonl.events).toEqual(csv.events);
    expect(jsonl.meta['native']).toBe('true');
    expect(jsonl.meta['native_frames']).toBe('16');
  });

  it('reads the same events in batches of one as in one batch', () => {
    expect(read('mixed.csv', 1).events).toEqual(read('mixed.csv').events);
  });
});
