// The native half of `stats` (traces recorded with --native): after CPython's
// own text, which knows nothing of it, in the same `# name = value` lines.
// A trace without native records prints CPython's text alone, as before.

import { printone } from '../models/pymalloc/stats-text.js';
import type { NativeStats } from './json/stats-json.js';

export function formatNativeStats(n: NativeStats): string {
  const peak = (m: keyof NativeStats['highWater']): string => {
    const p = n.highWater[m];
    return p.event === 0 ? '' : ` (at event ${p.event}, line ${p.line})`;
  };
  return (
    '\nnative half (C code calling the C library directly)\n' +
    printone('# native blocks current', n.heapBlocks) +
    printone('# native heap bytes current', n.heapBytes) +
    printone('# native heap bytes highwater mark', n.highWater.native_heap_bytes.value).replace(/\n$/, `${peak('native_heap_bytes')}\n`) +
    printone('# anonymous mappings current', n.mappings) +
    printone('# mapped bytes current', n.mmapBytes) +
    printone('# mapped bytes highwater mark', n.highWater.mmap_bytes.value).replace(/\n$/, `${peak('mmap_bytes')}\n`)
  );
}
