// Native frames, resolved after the run: a return address recorded by the
// launcher (`@native:0xADDR` in its stack records) becomes
// `FUNCTION [OBJECT+0xOFFSET]`, or `FUNCTION (FILE:LINE) [OBJECT+0xOFFSET]`
// where the object has debug information (docs/trace-format.md).
//
// The toolchain's own tools do the reading: `addr2line -f -C` (functions
// from the symbol table or DWARF, file and line from DWARF), and for
// functions it cannot name (a stripped library such as Debian's libz keeps
// only its exported symbols) `nm -D`, the nearest exported symbol at or
// below the address. One run of each per object, all its addresses at once.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

/** An object's executable code as the launcher saw it loaded (`module` lines). */
export interface ModuleRange {
  lo: bigint;
  size: bigint;
  /** Load bias: a runtime address is bias + the address in the file. */
  bias: bigint;
  path: string;
}

const MODULE_LINE = /^module,0x([0-9a-f]+),(\d+),0x([0-9a-f]+),,,,,,"((?:[^"]|"")*)"$/;

/** A `module` line of the launcher's raw output, or null when it is not one. */
export function parseModuleLine(line: string): ModuleRange | null {
  const m = MODULE_LINE.exec(line);
  if (!m) return null;
  return { lo: BigInt(`0x${m[1]}`), size: BigInt(m[2]!), bias: BigInt(`0x${m[3]}`), path: m[4]!.replace(/""/g, '"') };
}

export interface Symbolizer {
  addr2line: string;
  nm: string;
}

export const DEFAULT_SYMBOLIZER: Symbolizer = { addr2line: 'addr2line', nm: 'nm' };

/** Text that can stand in a frame of a quoted CSV frames field. */
function frameText(s: string): string {
  return s.replace(/;/g, ',').replace(/"/g, '""').replace(/[\r\n]/g, ' ');
}

interface Resolved {
  fn: string;
  where: string | null;
}

function run(tool: string, args: string[], input?: string): string | null {
  const r = spawnSync(tool, args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
  return r.status === 0 ? r.stdout : null;
}

/** `addr2line -f -C`: two lines per address, the function and FILE:LINE. */
function viaAddr2line(tool: string, path: string, rel: bigint[]): Resolved[] | null {
  const out = run(tool, ['-f', '-C', '-e', path], rel.map((a) => `0x${a.toString(16)}`).join('\n') + '\n');
  if (out === null) return null;
  const lines = out.split('\n');
  return rel.map((_, i) => {
    const fn = lines[2 * i] ?? '??';
    const loc = (lines[2 * i + 1] ?? '').replace(/ \(discriminator \d+\)$/, '');
    const known = /^(.+):(\d+)$/.exec(loc);
    return { fn: fn === '' ? '??' : fn, where: known && known[1] !== '??' && known[2] !== '0' ? loc : null };
  });
}

/** Exported functions, sorted by address (`nm -D --defined-only`). */
function exportedFunctions(tool: string, path: string): { at: bigint; name: string }[] {
  const out = run(tool, ['-D', '--defined-only', path]);
  if (out === null) return [];
  const syms: { at: bigint; name: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) [TtWi] (\S+)$/.exec(line);
    if (m) syms.push({ at: BigInt(`0x${m[1]}`), name: m[2]!.replace(/@.*$/, '') });
  }
  return syms.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function nearestBelow(syms: { at: bigint; name: string }[], rel: bigint): string | null {
  let lo = 0;
  let hi = syms.length - 1;
  let found: string | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid]!.at <= rel) {
      found = syms[mid]!.name;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function moduleOf(modules: ModuleRange[], addr: bigint): ModuleRange | null {
  for (const m of modules) if (addr >= m.lo && addr < m.lo + m.size) return m;
  return null;
}

/** The frame text of each address (hex without 0x, as recorded). */
export function symbolizeAddresses(hexAddresses: Iterable<string>, modules: ModuleRange[], tools: Symbolizer = DEFAULT_SYMBOLIZER): Map<string, string> {
  const texts = new Map<string, string>();
  const byModule = new Map<ModuleRange, string[]>();
  for (const hex of hexAddresses) {
    const addr = BigInt(`0x${hex}`);
    const m = moduleOf(modules, addr);
    if (m === null) {
      texts.set(hex, `?? [??+0x${hex}]`);
      continue;
    }
    const list = byModule.get(m) ?? [];
    list.push(hex);
    byModule.set(m, list);
  }
  for (const [m, list] of byModule) {
    const object = frameText(basename(m.path));
    // Return addresses: the call is the instruction before (address - 1).
    const rel = list.map((hex) => BigInt(`0x${hex}`) - m.bias);
    const readable = existsSync(m.path);
    const resolved = (readable ? viaAddr2line(tools.addr2line, m.path, rel.map((a) => a - 1n)) : null) ?? rel.map(() => ({ fn: '??', where: null }));
    let exported: { at: bigint; name: string }[] | null = null;
    list.forEach((hex, i) => {
      let { fn, where } = resolved[i]!;
      if (fn === '??' && readable) {
        exported ??= exportedFunctions(tools.nm, m.path);
        fn = nearestBelow(exported, rel[i]! - 1n) ?? '??';
      }
      const at = where ? ` (${frameText(where)})` : '';
      texts.set(hex, `${frameText(fn)}${at} [${object}+0x${rel[i]!.toString(16)}]`);
    });
  }
  return texts;
}
