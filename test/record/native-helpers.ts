// The --native tests' C code, compiled at test time with gcc: the extension
// with planted leaks (native-ext/leaky.c) and its clean twin against each
// interpreter (`pythonX.Y-config --includes`), and a plain library
// (native-ext/align.c). Built once per source and interpreter into a cache
// under the system's temporary directory, reused by later runs.
//
// The recorded CSV is read row by row with csv-parse, so that these tests
// look at what the recorder wrote, not at what the reader makes of it
// (native-done-when.test.ts judges a recording with `check`).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParse } from 'csv-parse/sync';
import { ROOT } from './helpers.js';

export const NATIVE_EXT = join(ROOT, 'test', 'record', 'native-ext');
const CACHE = join(tmpdir(), 'memreplay-test-native-ext');

function compile(key: string, output: string, args: string[]): string {
  const dir = join(CACHE, createHash('sha256').update(key).digest('hex').slice(0, 16));
  const path = join(dir, output);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const r = spawnSync('gcc', [...args, '-o', tmp], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`gcc ${args.join(' ')} failed: ${r.stderr}`);
  renameSync(tmp, path);
  return path;
}

function pythonSays(python: string, code: string): string {
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${python} -c ${code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The folder holding extension `module`, built from `source` for this interpreter (clean: with -DCLEAN, its twin). */
export function buildExtension(python: string, source: string, module: string, clean: boolean): string {
  const config = `${python}-config`;
  const includes = spawnSync(config, ['--includes'], { encoding: 'utf8' });
  if (includes.status !== 0) throw new Error(`${config} --includes failed: ${includes.stderr}`);
  const suffix = pythonSays(python, "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))");
  const flags = ['-shared', '-fPIC', '-O2', '-g', ...includes.stdout.trim().split(/\s+/), ...(clean ? ['-DCLEAN'] : []), source, '-pthread'];
  const key = JSON.stringify([python, suffix, flags, readFileSync(source, 'utf8')]);
  const ext = compile(key, `${module}${suffix}`, flags);
  return join(ext, '..');
}

/** The folder holding `_leaky` built for this interpreter (clean: the twin). */
export function buildLeaky(python: string, clean: boolean): string {
  return buildExtension(python, join(NATIVE_EXT, 'leaky.c'), '_leaky', clean);
}

/** libalign.so (posix_memalign), loaded by ctypes after start-up. */
export function buildAlign(): string {
  const source = join(NATIVE_EXT, 'align.c');
  const flags = ['-shared', '-fPIC', '-O2', '-g', source];
  return compile(JSON.stringify([flags, readFileSync(source, 'utf8')]), 'libalign.so', flags);
}

/** A record of the trace, by column name. */
export type Row = Record<string, string>;

/** The trace's records (after the `#` preamble), by column name. */
export function traceRows(text: string): Row[] {
  const body = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
  return csvParse(body, { columns: true, relax_column_count: true, skip_empty_lines: true }) as Row[];
}

/** stack id -> its frames, oldest first. */
export function stacksOf(rows: Row[]): Map<string, string[]> {
  const stacks = new Map<string, string[]>();
  for (const r of rows) if (r['op'] === 'stack') stacks.set(r['stack']!, r['frames']!.split(';'));
  return stacks;
}

/** A native frame ends with ` [OBJECT+0xOFFSET]`. */
export const NATIVE_FRAME = / \[[^\]]+\+0x[0-9a-f]+\]$/;

/** The innermost native frame and the innermost Python frame of a stack. */
export function siteOf(frames: string[] | undefined): { native: string | null; python: string | null } {
  const inner = [...(frames ?? [])].reverse();
  return { native: inner.find((f) => NATIVE_FRAME.test(f)) ?? null, python: inner.find((f) => !NATIVE_FRAME.test(f)) ?? null };
}

/** The 1-based line of `main.py` that holds the marker comment `# WORD`. */
export function lineOf(path: string, word: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.endsWith(`# ${word}`));
  if (i < 0) throw new Error(`no "# ${word}" in ${path}`);
  return i + 1;
}

/** Allocations of `domain` still live at the end (not freed, not realloc'd away). */
export function liveBlocks(rows: Row[], domain: string): Row[] {
  const live = new Map<string, Row>();
  for (const r of rows) {
    if (r['domain'] !== domain) continue;
    const op = r['op'];
    if (op === 'alloc' || op === 'calloc') live.set(r['addr']!, r);
    else if (op === 'free') live.delete(r['addr']!);
    else if (op === 'realloc') {
      live.delete(r['old_addr']!);
      live.set(r['addr']!, r);
    }
  }
  return [...live.values()];
}
