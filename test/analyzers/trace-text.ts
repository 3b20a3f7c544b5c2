// Hand-written traces for analyzer tests: build the CSV text, replay it in
// memory, or write it to a temporary file for the path-based entry points.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { Replayer, ReplayStop, type ReplayOptions } from '../../src/replay/replayer.js';

export const HEADER = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label';

export const hex = (n: number): string => '0x' + n.toString(16);

export function traceText(lines: readonly string[], python = '3.11.7'): string {
  return [`# python: ${python}`, HEADER, ...lines, ''].join('\n');
}

export function replayText(
  lines: readonly string[],
  python = '3.11.7',
  options: ReplayOptions = {},
): { replayer: Replayer; ctx: ImportContext } {
  const ctx = new ImportContext('t.csv');
  const replayer = new Replayer(ctx.addresses, options);
  try {
    parseTraceBytes(Buffer.from(traceText(lines, python)), { context: ctx }, replayer);
    replayer.finish();
  } catch (e) {
    if (!(e instanceof ReplayStop)) throw e; // stopAtEvent / stopAtMark
  }
  return { replayer, ctx };
}

export function writeTrace(lines: readonly string[], python = '3.11.7', name = 'trace.csv'): string {
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-test-'));
  const path = join(dir, name);
  writeFileSync(path, traceText(lines, python));
  return path;
}

/** alloc record: address, size, optional inline frames (oldest first, `;`-separated). */
export function alloc(address: number, size: number, frames = '', ts = ''): string {
  return `alloc,${hex(address)},${size},,obj,${ts},,,${frames === '' ? '' : `"${frames}"`},`;
}

export function free(address: number, ts = ''): string {
  return `free,${hex(address)},,,obj,${ts},,,,`;
}

export function mark(label: string): string {
  return `mark,,,,,,,,,${label}`;
}
