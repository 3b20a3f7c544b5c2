// A program runs under the recorder as it would under `python3`: same
// sys.argv, sys.executable, sys.path; its exit status; stdin and stdout;
// -m and -c; Ctrl-C, os._exit, fork and subprocesses; and its marks.

import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/run/replay-trace.js';
import type { ReplayView } from '../../src/replay/replay-view.js';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, records, ROOT, run, titleFor, WORKLOADS } from './helpers.js';

const SERIES = '3.11';
const python = findPython(SERIES);
const t = (what: string) => titleFor(SERIES, what);

/** Replays a trace; returns the mark labels and the replayer. */
async function replay(path: string): Promise<{ marks: string[]; replayer: ReplayView }> {
  const marks: string[] = [];
  const { replayer } = await replayTrace(path, { observers: [{ onMark: (_r: ReplayView, label: string) => void marks.push(label) }] });
  return { marks, replayer };
}

describe.skipIf(!python)('a program under memreplay record', () => {
  it(t('sees the same sys.argv, sys.executable, sys.path and prefixes as under the plain interpreter (script and -m)'), () => {
    const dir = tempDir();
    copyFileSync(join(WORKLOADS, 'show_sys.py'), join(dir, 'show_sys.py'));
    for (const args of [['show_sys.py', 'a', '--b', 'c d'], ['-m', 'show_sys', 'x', '-o', 'y'], ['-I', 'show_sys.py']]) {
      const plain = run(python!, args, { cwd: dir });
      expect(plain.code).toBe(0);
      const rec = memreplay(['record', '--python', python!, '--force', '-o', join(dir, 't.csv'), '--', ...args], { cwd: dir });
      expect(rec.code).toBe(0);
      expect(JSON.parse(rec.stdout)).toEqual(JSON.parse(plain.stdout));
    }
  });

  it(t('an interpreter of a virtual environment stays in its environment (sys.prefix, site-packages)'), () => {
    const dir = tempDir();
    const made = run(python!, ['-m', 'venv', '--without-pip', join(dir, 'venv')]);
    expect(made.code).toBe(0);
    const venvPython = join(dir, 'venv', 'bin', 'python');
    copyFileSync(join(WORKLOADS, 'show_sys.py'), join(dir, 'show_sys.py'));
    const plain = run(venvPython, ['show_sys.py'], { cwd: dir });
    const rec = memreplay(['record', '--python', venvPython, '-o', join(dir, 'v.csv'), '--', 'show_sys.py'], { cwd: dir });
    expect(rec.code).toBe(0);
    const seen = JSON.parse(rec.stdout);
    expect(seen).toEqual(JSON.parse(plain.stdout));
    expect(seen.prefix).toBe(join(dir, 'venv'));
    expect(seen.path).toContain(join(dir, 'venv', 'lib', `python${SERIES}`, 'site-packages'));
  });

  it(t('exits with the program\'s status: sys.exit(n), SystemExit with a message, an uncaught exception'), () => {
    const dir = tempDir();
    const cases: [string, number, RegExp][] = [
      ['import sys; sys.exit(3)', 3, /^memreplay: recorded /m],
      ['raise SystemExit("bye now")', 1, /^bye now$/m],
      ['raise ValueError("boom")', 1, /^ValueError: boom$/m],
      ['pass', 0, /^memreplay: recorded /m],
    ];
    for (const [code, status, stderr] of cases) {
      const out = join(dir, `exit-${status}.csv`);
      const r = memreplay(['record', '--python', python!, '--force', '--no-stacks', '-o', out, '--', '-c', code]);
      expect(r.code).toBe(status);
      expect(r.stderr).toMatch(stderr);
      expect(readTrace(out)).toMatch(/^mark,.*"final"$/m);
    }
  });

  it(t('keeps nothing when the interpreter stops at its command line (-V, a bad option), and keeps its status'), () => {
    const dir = tempDir();
    const version = memreplay(['record', '--python', python!, '-o', join(dir, 'v.csv'), '--', '-V']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^Python 3\.11\.\d+\n$/);
    expect(version.stderr).toContain('memreplay: the interpreter ended (exit 0) before its first allocation; nothing was recorded');
    const bad = memreplay(['record', '--python', python!, '-o', join(dir, 'b.csv'), '--', '--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --no-such-option/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it(t('passes stdin and stdout through'), () => {
    const dir = tempDir();
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', join(dir, 'io.csv'), '--', '-c', 'import sys; print(sys.stdin.read().upper())'], {
      input: 'hello from stdin',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('HELLO FROM STDIN\n');
  });

  it(t('os._exit(n): the status is kept and the trace is written up to there, without the stats mark'), async () => {
    const dir = tempDir();
    const out = join(dir, 'osexit.csv.gz');
    const r = memreplay(['record', '--python', python!, '-o', out, '--', '-c', 'import os\nx = [str(i) for i in range(1000)]\nos._exit(7)']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('no stats mark: the program ended without running its atexit callbacks');
    expect(existsSync(join(dir, 'osexit.stats.txt'))).toBe(false);
    const { marks, replayer } = await replay(out);
    expect(marks).toEqual([]);
    expect(replayer.anomalies.total).toBe(0);
    expect(replayer.events).toBeGreaterThan(10_000);
  });

  it(t('a program killed by a signal: status 128 + N, the trace kept up to its last full write'), async () => {
    const dir = tempDir();
    const out = join(dir, 'killed.csv');
    // enough allocations to fill the 1 MiB buffer a few times before the kill
    const code = 'import os, signal\nx = [str(i) for i in range(100000)]\nos.kill(os.getpid(), signal.SIGKILL)';
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', code]);
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/the program was killed by SIGKILL; .*killed\.csv holds the trace up to its last complete write/);
    const { replayer } = await replayTrace(out);
    expect(replayer.anomalies.total).toBe(0);
    expect(replayer.events).toBeGreaterThan(50_000);
  });

  it(t('an uncaught KeyboardInterrupt ends the run by SIGINT (status 130) after the trace is complete'), async () => {
    const dir = tempDir();
    const out = join(dir, 'ctrl-c.csv');
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', 'raise KeyboardInterrupt']);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^KeyboardInterrupt$/m);
    const { marks } = await replay(out);
    expect(marks).toEqual(['stats', 'final', 'end']);
  });

  it(t('a forked child is not recorded and a subprocess runs normally; the parent\'s trace stays exact'), async () => {
    const dir = tempDir();
    const out = join(dir, 'fork.csv');
    const code = [
      'import os, subprocess, sys',
      'pid = os.fork()',
      'if pid == 0:',
      '    junk = [str(i) * 5 for i in range(20000)]',
      '    os._exit(0)',
      'os.waitpid(pid, 0)',
      'r = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)',
      'print("child said", r.stdout.strip())',
    ].join('\n');
    const r = memreplay(['record', '--python', python!, '-o', out, '--', '-c', code]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('child said 42\n');
    const { marks, replayer } = await replay(out);
    expect(marks).toEqual(['stats', 'final', 'end']);
    expect(replayer.anomalies.total).toBe(0);
    expect(replayer.addressCheck.mismatched).toBe(0);
  });

  it(t('a child that outlives the program does not keep the recording open'), () => {
    const dir = tempDir();
    const flag = join(dir, 'child-finished');
    const code = [
      'import os, time',
      'pid = os.fork()',
      'if pid == 0:',
      '    null = os.open(os.devnull, os.O_RDWR)',
      '    for fd in (0, 1, 2):',
      '        os.dup2(null, fd)  # like a daemon: the test harness waits for its own pipes',
      '    time.sleep(30)',
      `    open(${JSON.stringify(flag)}, "w").close()`,
      '    os._exit(0)',
      'print(pid)',
    ].join('\n');
    const r = memreplay(['record', '--python', python!, '-o', join(dir, 'daemon.csv.gz'), '--', '-c', code]);
    const child = Number(r.stdout.trim());
    try {
      expect(r.code).toBe(0);
      // had the record command waited for the child, the child would have finished
      expect(existsSync(flag)).toBe(false);
      expect(readTrace(join(dir, 'daemon.csv.gz'))).toMatch(/^mark,.*"final"$/m);
    } finally {
      if (child > 0) process.kill(child, 'SIGKILL');
    }
  });

  it(t('memreplay_marks.mark() writes its label as given (quotes, commas, semicolons kept; control characters replaced)'), async () => {
    const dir = tempDir();
    const out = join(dir, 'marks.csv');
    const code = 'import memreplay_marks as m\nm.mark("plain")\nm.mark(\'a,"b";c\\nd\')\nm.mark("caf\\u00e9 \\u2603")\nprint(m.recording)';
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', code]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('True\n');
    const { marks } = await replay(out);
    expect(marks).toEqual(['plain', 'a,"b";c?d', 'café ☃', 'stats', 'final', 'end']);
  });

  it(t('the stand-in memreplay_marks.py does nothing outside the recorder, and the built-in module wins under it'), () => {
    const code = 'import memreplay_marks as m\nm.mark("x")\nprint(m.recording)';
    const plain = run(python!, ['-c', code], { env: { PYTHONPATH: join(ROOT, 'recorder') } });
    expect(plain.stdout).toBe('False\n');
    const bad = run(python!, ['-c', 'import memreplay_marks as m\nm.mark(3)'], { env: { PYTHONPATH: join(ROOT, 'recorder') } });
    expect(bad.stderr).toMatch(/TypeError: mark\(\) label must be str, not int/);
    const dir = tempDir();
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', join(dir, 'm.csv'), '--', '-c', code], {
      env: { PYTHONPATH: join(ROOT, 'recorder') },
    });
    expect(r.stdout).toBe('True\n');
  });

  it(t('frames of a file whose name holds ; , and " stay one frame each'), async () => {
    const dir = tempDir();
    const script = join(dir, 'odd;na,me"q.py');
    writeFileSync(script, 'def make():\n    return [str(i) for i in range(100)]\n\nkeep = make()\n');
    const out = join(dir, 'odd.csv');
    const r = memreplay(['record', '--python', python!, '-o', out, '--', script]);
    expect(r.code).toBe(0);
    // in the file: CSV quoting doubles the quote; ; (the frame separator) becomes ,
    expect(readTrace(out)).toContain(`;make (${dir}/odd,na,me""q.py:2)"`);
    // and the importer reads it back as two frames, the innermost one intact
    const { replayer, ctx } = await replayTrace(out);
    expect(replayer.anomalies.total).toBe(0);
    const stacks = Array.from({ length: ctx.stacks.stackCount }, (_, id) => ctx.stacks.frames(id));
    expect(stacks).toContainEqual([`<module> (${dir}/odd,na,me"q.py:4)`, `make (${dir}/odd,na,me"q.py:2)`]);
  });

  it(t('--raw also records the RAW domain, still with no anomaly and every address predicted'), async () => {
    const dir = tempDir();
    const out = join(dir, 'raw.csv.gz');
    const r = memreplay(['record', '--python', python!, '--raw', '-o', out, '--', join(WORKLOADS, 'mixed.py')]);
    expect(r.code).toBe(0);
    const text = readTrace(out);
    expect(text).toMatch(/^# recorder: .*\(OBJ, MEM, RAW\)/m);
    expect(records(text).filter((l) => /^(alloc|calloc|realloc),[^,]*,[^,]*,[^,]*,raw,/.test(l)).length).toBeGreaterThan(100);
    const { marks, replayer } = await replay(out);
    expect(marks.slice(-3)).toEqual(['stats', 'final', 'end']);
    expect(replayer.anomalies.total).toBe(0);
    expect(replayer.addressCheck.mismatched).toBe(0);
    expect(replayer.arenas.mismatches).toBe(0);
  });

  for (const series of ['3.8', '3.11', '3.13']) {
    const py = findPython(series);
    it.skipIf(!py)(titleFor(series, `CPython ${series}: stacks name the same lines as tracemalloc for the same live blocks`), async () => {
      const dir = tempDir();
      const out = join(dir, 'vs.csv');
      const r = memreplay(['record', '--python', py!, '-o', out, '--', join(WORKLOADS, 'vs_tracemalloc.py')]);
      expect(r.code).toBe(0);
      // Lines between tracemalloc.start() and the mark (tracemalloc also sees
      // what take_snapshot() itself allocates, after the mark).
      const lines = readFileSync(join(WORKLOADS, 'vs_tracemalloc.py'), 'utf8').split('\n');
      const first = lines.findIndex((l) => l.startsWith('tracemalloc.start(')) + 2;
      const last = lines.findIndex((l) => l.startsWith('memreplay_marks.mark(')) + 1;
      const between = (line: string) => Number(line) > first - 1 && Number(line) < last;
      const expected = Object.fromEntries(Object.entries(JSON.parse(r.stdout) as Record<string, number>).filter(([line]) => between(line)));
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(4);
      const { replayer, ctx } = await replayTrace(out, { stopAtMark: 'measured' });
      const counts: Record<string, number> = {};
      const script = join(WORKLOADS, 'vs_tracemalloc.py');
      replayer.forEachLiveBlock((_pool, _size, stack) => {
        if (stack < 0) return;
        const frames = ctx.stacks.frames(stack);
        const m = /\((.*):(\d+)\)$/.exec(frames[frames.length - 1] ?? '');
        if (m && m[1] === script && between(m[2]!)) counts[m[2]!] = (counts[m[2]!] ?? 0) + 1;
      });
      expect(counts).toEqual(expected);
    });
  }

  it(t('--frames 1 keeps only the innermost frame'), () => {
    const dir = tempDir();
    const out = join(dir, 'f1.csv');
    const r = memreplay(['record', '--python', python!, '--frames', '1', '-o', out, '--', join(WORKLOADS, 'mixed.py'), 'single']);
    expect(r.code).toBe(0);
    const stacks = readTrace(out).split('\n').filter((l) => l.startsWith('stack,'));
    expect(stacks.length).toBeGreaterThan(50);
    for (const s of stacks) expect(s).toMatch(/^stack,,,,,,,\d+,"[^;]*",$/);
    expect(readFileSync(join(dir, 'f1.csv.stats.txt'), 'utf8')).toContain('Small block threshold = 512');
  });
});
