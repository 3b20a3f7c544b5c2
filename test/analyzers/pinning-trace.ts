// A hand-written CPython 3.8 trace where one small block of a known call site
// keeps a whole arena: 448 blocks of 512 bytes from app.py:10 fill the first
// 256 KiB arena (64 pools x 7 blocks), one 10-byte block from leak.py:5 opens
// the second arena (event 449: the arena peak), 100 more app.py:10 blocks go
// there too (event 549: the live-bytes peak), then every app.py:10 block is
// freed. 3.8 releases a wholly free arena at once, so the first arena goes
// back and the second stays, held by the one leak.py:5 block.

import { alloc, free } from './trace-text.js';

export const APP = 'main.py:1;app.py:10';
export const LEAK = 'main.py:2;leak.py:5';
export const LEAK_EVENT = 449;
export const BYTES_PEAK_EVENT = 549;
export const TOTAL_EVENTS = 449 + 100 + 548;

export function pinningTrace(): string[] {
  const lines: string[] = [];
  const appAddress = (i: number): number => 0x5000_0000 + i * 0x1000;
  for (let i = 0; i < 448; i++) lines.push(alloc(appAddress(i), 512, APP, String(i + 1)));
  lines.push(alloc(0x6000_0000, 10, LEAK, String(LEAK_EVENT)));
  for (let i = 448; i < 548; i++) lines.push(alloc(appAddress(i), 512, APP, String(i + 2)));
  for (let i = 0; i < 548; i++) lines.push(free(appAddress(i), String(BYTES_PEAK_EVENT + 1 + i)));
  return lines;
}
