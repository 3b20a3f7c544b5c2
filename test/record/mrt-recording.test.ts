// The recorder's own `.mrt` writer (recorder/src/mrt.c, mrt-chunks.c)
// against every CPython installed here. The TypeScript reader is the judge:
// - `record -o NAME.mrt` replays to exactly CPython's own statistics at both
//   marks, and the reader finds as many events as the recorder says it wrote;
// - one run written both ways at once (the launcher's test mode `--trace-format
//   both`: the same records, timestamps included, as CSV and as `.mrt`) reads
//   back to the same events: both converted to CSV are byte for byte the same;
// - labels, isolated sub-interpreters and a forked child, written both ways;
// - a killed recording keeps every chunk it completed, and the reader names
//   where the file stops;
// - a launcher built without zlib's headers refuses `.mrt` in one line;
// - `--native` with `.mrt` (written after symbolization by the TypeScript writer).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { probeInterpreter } from '../../src/record/interpreter.js';
import { ensureLauncher } from '../../src/record/launcher-cache.js';
import { launcherSources } from '../../src/record/launcher-sources.js';
import { findToolchain } from '../../src/record/toolchain.js';
import { CLI, tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, SERIES, TEST_CACHE, titleFor, traceMeta, WORKLOADS } from './helpers.js';

const MAGIC = Buffer.from([0x89, 0x4d, 0x52, 0x54, 0x0d, 0x0a, 0x1a, 0x0a]);
const testEnv = { ...process.env, MEMREPLAY_CACHE_DIR: TEST_CACHE, PYTHONHASHSEED: '0' };

/** The kinds of a `.mrt` file's chunks, walked by their headers (docs/trace-format-binary.md), and where the last whole one ends. */
function chunksOf(path: string): { kinds: string; end: number } {
  const bytes = readFileSync(path);
  let at = 12;
  let kinds = '';
  while (at + 16 <= bytes.length && at + 16 + bytes.readUInt32LE(at + 4) <= bytes.length) {
    kinds += String.fromCharCode(bytes[at]!);
    at += 16 + bytes.readUInt32LE(at + 4);
  }
  return { kinds, end: at };
}

function eventsRecorded(stderr: string): number {
  const m = /recorded ([\d,]+) events/.exec(stderr);
  expect(m).not.toBeNull();
  return Number(m![1]!.replace(/,/g, ''));
}

/** `convert IN OUT`: the events the reader found in IN. */
function convert(input: string, output: string): number {
  const r = memreplay(['convert', input, output]);
  expect(r.stderr).toMatch(/wrote .*: [\d,]+ events from /);
  expect(r.code).toBe(0);
  return Number(/: ([\d,]+) events from/.exec(r.stderr)![1]!.replace(/,/g, ''));
}

/** The launcher run in its test mode: one run, CSV to `csv` and `.mrt` to `mrt`. Returns the events it says it wrote. */
function recordBoth(python: string, program: string[], csv: string, mrt: string): number {
  const launcher = ensureLauncher(probeInterpreter(python), testEnv);
  expect(launcher.mrt).toBe(true);
  const csvFd = openSync(csv, 'w');
  const mrtFd = openSync(mrt, 'w');
  try {
    const r = spawnSync(launcher.path, ['--trace-fd', '3', '--status-fd', '4', '--trace-format', 'both', '--mrt-fd', '5', '--', python, ...program], {
      stdio: ['ignore', 'pipe', 'pipe', csvFd, 'pipe', mrtFd],
      env: testEnv,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.stderr ?? '').toBe('');
    expect(r.status).toBe(0);
    const status = JSON.parse(String(r.output[4]).trim()) as { events: number; writeError: string | null };
    expect(status.writeError).toBeNull();
    return status.events;
  } finally {
    closeSync(csvFd);
    closeSync(mrtFd);
  }
}

describe('record -o NAME.mrt on every installed CPython', () => {
  for (const series of SERIES) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: stats --verify is EXACT and matches CPython's own statistics; the reader counts the recorder's events`), () => {
      const dir = tempDir();
      const out = join(dir, `mixed-${series}.mrt`);
      const rec = memreplay(['record', '--python', python!, '-o', out, '--', join(WORKLOADS, 'mixed.py')]);
      expect(rec.code).toBe(0);
      expect(rec.stdout).toBe('mixed: kept 715 results 2 grow 3000 blobs 50\n');
      expect(rec.stderr).toMatch(/ in .*\.mrt \([\d.]+ [KM]iB, [\d.]+ bytes\/event\)\n/);
      expect(readFileSync(out).subarray(0, 8)).toEqual(MAGIC);
      const events = eventsRecorded(rec.stderr);

      const atStats = memreplay(['stats', out, '--at', 'stats']);
      expect(atStats.code).toBe(0);
      expect(atStats.stdout).toBe(pymallocPartOf(readFileSync(`${out}.stats.txt`, 'utf8')));
      const verify = memreplay(['stats', out, '--verify']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toBe(readFileSync(`${out}.final.stats.txt`, 'utf8'));
      const m = /([\d,]+) of ([\d,]+) pymalloc block addresses predicted exactly/.exec(verify.stderr);
      expect(m![1]).toBe(m![2]);
      expect(verify.stderr).toMatch(/: EXACT\n/);

      const csv = join(dir, 'mixed.csv');
      expect(convert(out, csv)).toBe(events);
      const meta = traceMeta(readTrace(csv));
      expect(meta['python']?.startsWith(`${series}.`)).toBe(true);
      expect(meta['complete']).toBe('true');
      expect(meta['end_mark']).toBe('end');
    });

    it.skipIf(!python)(titleFor(series, `CPython ${series}: one run written as CSV and as .mrt at once reads back to the same events`), () => {
      const dir = tempDir();
      const csv = join(dir, 'both.csv');
      const mrt = join(dir, 'both.mrt');
      // Threads on: three threads' records interleave, stacks and thread ids change often.
      const events = recordBoth(python!, [join(WORKLOADS, 'mixed.py')], csv, mrt);
      // Several events chunks: releases of blocks born in an earlier chunk are coded otherwise.
      expect(chunksOf(mrt).kinds).toMatch(/^M(T?E){2,}Z$/);
      const fromCsv = join(dir, 'from-csv.csv');
      const fromMrt = join(dir, 'from-mrt.csv');
      expect(convert(csv, fromCsv)).toBe(events);
      expect(convert(mrt, fromMrt)).toBe(events);
      expect(readFileSync(fromMrt).equals(readFileSync(fromCsv))).toBe(true);
    });
  }

  for (const series of ['3.12', '3.13']) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: isolated sub-interpreters' events carry their interpreter in .mrt as in CSV`), () => {
      const dir = tempDir();
      const csv = join(dir, 'sub.csv');
      const mrt = join(dir, 'sub.mrt');
      const events = recordBoth(python!, [join(WORKLOADS, 'subinterpreters.py'), join(dir, 'sub-stats.txt'), join(dir, 'main-stats.txt')], csv, mrt);
      const fromCsv = join(dir, 'from-csv.csv');
      const fromMrt = join(dir, 'from-mrt.csv');
      expect(convert(csv, fromCsv)).toBe(events);
      expect(convert(mrt, fromMrt)).toBe(events);
      // Some events name an interpreter (the last column), as the CSV run's do.
      expect(readFileSync(fromMrt, 'utf8')).toMatch(/^alloc,.*,[1-9]\d*$/m);
      expect(readFileSync(fromMrt).equals(readFileSync(fromCsv))).toBe(true);
    });
  }

  const python = findPython('3.11');
  const t = (what: string) => titleFor('3.11', what);

  it.skipIf(!python)(t('mark labels: quotes, non-ASCII, control characters, and more labels than the table keeps before it starts again'), () => {
    const dir = tempDir();
    const csv = join(dir, 'marks.csv');
    const mrt = join(dir, 'marks.mrt');
    // 200,000 distinct labels (some 1 MiB of table and events a chunk): the chunks cut past
    // LABEL_RESET_ENTRIES (65,536) labels start the label table again.
    const code = [
      'import memreplay_marks',
      'memreplay_marks.mark(\'say "hi"; caf\\u00e9 \\U0001f600 tab\\there\\nnext\')',
      'for i in range(200000):',
      '    memreplay_marks.mark("request %d" % i)',
    ].join('\n');
    const events = recordBoth(python!, ['-c', code], csv, mrt);
    const fromCsv = join(dir, 'from-csv.csv');
    const fromMrt = join(dir, 'from-mrt.csv');
    expect(convert(csv, fromCsv)).toBe(events);
    expect(convert(mrt, fromMrt)).toBe(events);
    const text = readFileSync(fromMrt, 'utf8');
    expect(text).toContain(',"say ""hi""; café 😀 tab?here?next",');
    expect(text).toContain(',request 199999,');
    expect(readFileSync(fromMrt).equals(readFileSync(fromCsv))).toBe(true);
  });

  it.skipIf(!python)(t('a forked child records nothing and does not disturb the parent\'s chunks'), () => {
    const dir = tempDir();
    const csv = join(dir, 'fork.csv');
    const mrt = join(dir, 'fork.mrt');
    const code = [
      'import os',
      'x = [str(i) for i in range(100000)]',
      'pid = os.fork()',
      'if pid == 0:',
      '    y = [str(i) for i in range(100000)]',
      '    os._exit(0)',
      'os.waitpid(pid, 0)',
      'z = [str(i) for i in range(100000)]',
    ].join('\n');
    const events = recordBoth(python!, ['-c', code], csv, mrt);
    const fromCsv = join(dir, 'from-csv.csv');
    const fromMrt = join(dir, 'from-mrt.csv');
    expect(convert(csv, fromCsv)).toBe(events);
    expect(convert(mrt, fromMrt)).toBe(events);
    expect(readFileSync(fromMrt).equals(readFileSync(fromCsv))).toBe(true);
    expect(chunksOf(mrt).kinds).toMatch(/^M(T?E){2,}Z$/);
  });

  it.skipIf(!python)(t('a launcher built without zlib refuses .mrt in one line naming the package'), () => {
    const info = probeInterpreter(python!);
    const tools = findToolchain(info);
    const sources = launcherSources();
    const binary = join(tempDir(), 'launcher-without-zlib');
    const build = spawnSync(tools.cc[0]!, [...tools.cc.slice(1), '-std=gnu11', '-O1', '-pthread', '-DMEMREPLAY_NO_ZLIB', ...tools.includes, ...sources.cFiles, '-o', binary, ...tools.ldflags, `-Wl,-rpath,${info.libDir}`, '-ldl'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const out = join(tempDir(), 'x.mrt');
    const fd = openSync(out, 'w');
    try {
      const r = spawnSync(binary, ['--trace-fd', '3', '--status-fd', '4', '--trace-format', 'mrt', '--', python!, '-c', 'pass'], { stdio: ['ignore', 'pipe', 'pipe', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      const status = JSON.parse(String(r.output[4]).trim()) as { error: string };
      expect(status.error).toMatch(/^launcher: --trace-format mrt needs zlib, .*apt install zlib1g-dev\)$/);
    } finally {
      closeSync(fd);
    }
    expect(statSync(out).size).toBe(0);
  });

  it.skipIf(!python)(t('SIGKILL of memreplay record: the chunks written are whole, the reader names where the file stops, --lenient reads them'), async () => {
    const dir = tempDir();
    const out = join(dir, 'killed.mrt');
    const code = 'import time\nwhile True:\n    x = [str(i) for i in range(10000)]\n    time.sleep(0.001)';
    const record = spawn(process.execPath, [CLI, 'record', '--python', python!, '-o', out, '--', '-c', code], { stdio: 'ignore', env: { ...testEnv, MEMREPLAY_DEBUG: '' } });
    const exited = new Promise((resolve) => record.on('exit', resolve));
    try {
      // Until a few chunks are written (each some 1 MiB of events before deflate).
      for (let i = 0; i < 600 && !(existsSync(out) && statSync(out).size > 600_000); i++) await new Promise((r) => setTimeout(r, 100));
      expect(statSync(out).size).toBeGreaterThan(600_000);
      record.kill('SIGKILL');
      await exited;
      // The launcher ends with memreplay record (after the write under way): the file stops growing.
      let size = -1;
      for (let i = 0; i < 50 && statSync(out).size !== size; i++) {
        size = statSync(out).size;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      record.kill('SIGKILL');
    }
    expect(readdirSync(dir)).toEqual(['killed.mrt']);
    // Cut between two writes: whole chunks, the last one an events chunk, no end chunk.
    const { kinds, end } = chunksOf(out);
    expect(end).toBe(statSync(out).size);
    expect(kinds).toMatch(/^M(T?E)+$/);
    const strict = memreplay(['stats', out]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(new RegExp(`^memreplay: .*killed\\.mrt: byte ${statSync(out).size}: .*\\n$`));
    const lenient = memreplay(['analyze', '--lenient', '--json', out]);
    expect(lenient.code).toBe(0);
    const doc = JSON.parse(lenient.stdout).traces[0];
    expect(doc.completeness.state).toBe('incomplete');
    expect(doc.events.total).toBeGreaterThan(100_000);
  });

  it.skipIf(!python)(t('--native -o NAME.mrt: the native frames resolved, the binary trace written after the run'), () => {
    const dir = tempDir();
    const out = join(dir, 'native.mrt');
    const code = 'import zlib\nx = [zlib.compress(bytes(5000 + i)) for i in range(200)]';
    const r = memreplay(['record', '--native', '--python', python!, '-o', out, '--', '-c', code]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/native frames: [\d,]+ of [\d,]+ return address/);
    expect(readFileSync(out).subarray(0, 8)).toEqual(MAGIC);
    const events = eventsRecorded(r.stderr);
    const csv = join(dir, 'native.csv');
    expect(convert(out, csv)).toBe(events);
    const text = readTrace(csv);
    expect(traceMeta(text)['native']).toBe('true');
    expect(text).toMatch(/^(alloc|calloc|realloc|free),0x[0-9a-f]+,[\d]*,[^,]*,native,/m);
    expect(text).not.toContain('@native:');
    const verify = memreplay(['stats', out, '--verify']);
    expect(verify.code).toBe(0);
    expect(verify.stderr).toMatch(/: EXACT\n/);
  });
});
