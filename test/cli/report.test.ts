import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const STARTUP = join(FIXTURES, 'startup-3.11.csv.gz');
const STARTUP_38 = join(FIXTURES, 'startup-3.8.csv.gz');

describe('memreplay report', () => {
  it('writes one self-contained HTML report and every chart’s vega-lite spec beside it', () => {
    const out = join(tempDir(), 'reports');
    const r = memreplay(['report', STARTUP, '-o', out]);
    expect(r.stderr).toBe(`Wrote ${join(out, 'startup-3.11.html')}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(out).sort()).toEqual(['startup-3.11.charts', 'startup-3.11.html']);
    const html = readFileSync(join(out, 'startup-3.11.html'), 'utf8');
    expect(html).toContain('<h1>memreplay report: <code>');
    const specs = readdirSync(join(out, 'startup-3.11.charts'));
    expect(specs).toContain('timeline.vl.json');
    for (const f of specs) {
      const spec = JSON.parse(readFileSync(join(out, 'startup-3.11.charts', f), 'utf8')) as { $schema: string };
      expect(spec.$schema).toMatch(/vega-lite\/v6\.json$/);
      expect(html).toContain(`data-chart="${f.replace('.vl.json', '')}"`);
    }
    expect(statSync(join(out, 'startup-3.11.html')).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('--at with a label the trace lacks lists the marks it has', () => {
    const r = memreplay(['report', STARTUP, '-o', join(tempDir(), 'reports'), '--at', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/startup-3\.11\.csv\.gz: no mark labelled "nope" in the trace; it has 2 marks: "stats", "final"\n$/);
  });

  it('never overwrites a report without --force, and names what is in the way before doing any work', () => {
    const out = tempDir();
    expect(memreplay(['report', STARTUP, '-o', out, '-q']).code).toBe(0);
    const page = join(out, 'startup-3.11.html');
    writeFileSync(page, 'mine');
    const again = memreplay(['report', STARTUP, '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`memreplay: ${page}, ${join(out, 'startup-3.11.charts')} exist; pass --force to overwrite, or -o another directory\n`);
    expect(readFileSync(page, 'utf8')).toBe('mine');
    const forced = memreplay(['report', STARTUP, '-o', out, '--force', '-q']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toBe('');
    expect(readFileSync(page, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('-o naming a regular file: one line saying the output directory is a file, exit 2, the file left alone', () => {
    const file = join(tempDir(), 'exists.txt');
    writeFileSync(file, 'mine');
    for (const [out, message] of [
      [file, `-o ${file}: the output directory is a file; give a directory for the reports`],
      [join(file, 'sub'), `-o ${join(file, 'sub')}: ${file} is a file; give a directory for the reports`],
    ]) {
      for (const force of [[], ['--force']]) {
        const r = memreplay(['report', STARTUP, '-o', out!, ...force]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`memreplay: ${message}\n`);
      }
    }
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('with --force removes chart specs an earlier report left that this one does not have', () => {
    const out = tempDir();
    mkdirSync(join(out, 'startup-3.11.charts'));
    writeFileSync(join(out, 'startup-3.11.charts', 'what-if.vl.json'), '{}');
    writeFileSync(join(out, 'startup-3.11.charts', 'notes.txt'), 'mine');
    expect(memreplay(['report', STARTUP, '-o', out, '--force', '-q']).code).toBe(0);
    const left = readdirSync(join(out, 'startup-3.11.charts'));
    expect(left).not.toContain('what-if.vl.json');
    expect(left).toContain('notes.txt');
  });

  it('reports a batch with an index linking every report; same-named traces get distinct names', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    copyFileSync(STARTUP, join(dir, 'a', 'run.csv.gz'));
    copyFileSync(STARTUP_38, join(dir, 'b', 'run.csv.gz'));
    const out = join(dir, 'out');
    const r = memreplay(['report', join(dir, '*/run.csv.gz'), '-o', out, '--jobs', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Wrote'))).toEqual([
      `Wrote ${join(out, 'run.html')}`,
      `Wrote ${join(out, 'run-2.html')}`,
      `Wrote ${join(out, 'index.html')} (2 of 2 traces)`,
    ]);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('href="run.html"');
    expect(index).toContain('href="run-2.html"');
    expect(index).toContain('data-chart="index"');
    expect(existsSync(join(out, 'index.charts', 'index.vl.json'))).toBe(true);
    expect(readFileSync(join(out, 'run-2.html'), 'utf8')).toContain('CPython 3.8 pymalloc');
  });

  it('goes on past a trace that fails, lists it in the index and exits 2', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '# python: 3.11.7\nop,addr,size\nalloc,zzz,8\n');
    const out = join(dir, 'out');
    const r = memreplay(['report', bad, STARTUP, '-o', out, '--format', 'md', '--jobs', '1']);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toMatch(new RegExp(`^memreplay: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `, 'm'));
    expect(existsSync(join(out, 'startup-3.11.md'))).toBe(true);
    expect(existsSync(join(out, 'bad.md'))).toBe(false);
    const index = readFileSync(join(out, 'index.md'), 'utf8');
    expect(index).toContain('startup-3.11.csv.gz](startup-3.11.md)');
    expect(index).toMatch(/## Failed\n\n- .*bad\.csv: /);
  });

  it('writes no index for a batch in which no report was written, and says so', () => {
    const dir = tempDir();
    const bad = [join(dir, 'bad1.csv'), join(dir, 'bad2.csv')];
    for (const f of bad) writeFileSync(f, '# python: 3.11.7\nop,addr,size\nalloc,zzz,8\n');
    const out = join(dir, 'out');
    const r = memreplay(['report', ...bad, '-o', out, '--jobs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(-2)).toEqual(['memreplay: no report was written (0 of 2 traces), so no index either', '']);
    expect(existsSync(join(out, 'index.html'))).toBe(false);
  });

  it('a batch whose every report fails to be written (a directory in the way) gets no index; one written, an index of it alone', () => {
    const dir = tempDir();
    const traces = ['a', 'b'].map((n) => join(dir, `${n}.csv.gz`));
    for (const t of traces) copyFileSync(STARTUP, t);
    const out = join(dir, 'out');
    mkdirSync(join(out, 'a.json'), { recursive: true });
    mkdirSync(join(out, 'b.json'));
    const none = memreplay(['report', ...traces, '-o', out, '--format', 'json', '--force', '--jobs', '1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      [
        `memreplay: ${join(out, 'a.json')} is a directory; give a file name to write the report to`,
        `memreplay: ${join(out, 'b.json')} is a directory; give a file name to write the report to`,
        'memreplay: no report was written (0 of 2 traces), so no index either',
        '',
      ].join('\n'),
    );
    expect(readdirSync(out).sort()).toEqual(['a.json', 'b.json']);

    rmSync(join(out, 'a.json'), { recursive: true });
    const one = memreplay(['report', ...traces, '-o', out, '--format', 'json', '--force', '--jobs', '1', '-q']);
    expect(one.code).toBe(2);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { traces: { file: string }[]; failures: { file: string }[] };
    expect(index.traces.map((t) => t.file)).toEqual([traces[0]]);
    expect(index.failures.map((f) => f.file)).toEqual([traces[1]]);
  });

  it('--format json writes the memreplay.report/3 document, and a batch index memreplay.report-index/2', () => {
    const out = tempDir();
    const r = memreplay(['report', STARTUP, STARTUP_38, '-o', out, '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'startup-3.11.json'), 'utf8')) as { schema: string; analyze: { events: { total: number } } };
    expect(doc.schema).toBe('memreplay.report/3');
    expect(doc.analyze.events.total).toBe(36_282);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { schema: string; traces: { report: string }[] };
    expect(index.schema).toBe('memreplay.report-index/2');
    expect(index.traces.map((t) => t.report)).toEqual(['startup-3.11.json', 'startup-3.8.json']);
  });

  it('--python with several versions adds the what-if comparison', () => {
    const out = tempDir();
    const r = memreplay(['report', STARTUP, '-o', out, '--python', '3.8,3.13', '-q']);
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, 'startup-3.11.html'), 'utf8');
    expect(html).toContain('<section id="what-if">');
    expect(html).toContain('CPython 3.8</th>');
    expect(html).toContain('CPython 3.13</th>');
    expect(existsSync(join(out, 'startup-3.11.charts', 'what-if.vl.json'))).toBe(true);
  });

  it('rejects a bad --python, --format or --jobs with one line and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--python', '3.8,2.7'], /^memreplay: --python "3.8,2.7": "2.7" is not one of 3.8, 3.9, 3.10, 3.11, 3.12, 3.13\n$/],
      [['--format', 'pdf'], /^memreplay: --format "pdf": expected one of html, json, md\nRun 'memreplay report --help' for usage\.\n$/],
      [
        ['--format', 'csv'],
        /^memreplay: --format "csv": expected one of html, json, md \(the report's format; --trace-format csv is for the input format\)\n[^\n]*\n$/,
      ],
      [['--jobs', '0'], /^memreplay: --jobs "0": expected a whole number >= 1\n$/],
    ];
    for (const [args, message] of cases) {
      const r = memreplay(['report', STARTUP, '-o', tempDir(), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('says why a report cannot read standard input', () => {
    const r = memreplay(['report', '-', '-o', tempDir()], 'op,addr,size\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: a report reads the trace more than once .*give a file, not standard input\n$/);
  });

  it('refuses a FIFO at once, as it does standard input (it would wait for a writer, then get one pass)', () => {
    const dir = tempDir();
    const fifo = join(dir, 'piped.csv');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    const r = memreplay(['report', fifo, STARTUP, '-o', join(dir, 'out'), '--format', 'md']);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `memreplay: ${fifo} is a FIFO (named pipe), not a regular file: a report reads the trace more than once (to look again at its peaks); give a regular file\n`,
    );
    // The other trace is still reported, and the index lists both.
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['index.md', 'startup-3.11.md']);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('names a glob that matches nothing', () => {
    const r = memreplay(['report', join(tempDir(), '*.csv.gz')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: no file matches ".*\*\.csv\.gz"\n$/);
  });
});
