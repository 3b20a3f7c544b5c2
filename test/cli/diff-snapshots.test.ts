// `memreplay diff` on tracemalloc snapshots against Python's own output:
// the checked-in fixtures (test/fixtures/tracemalloc/README.md), and fresh
// dumps written by every CPython 3.8-3.13 found on this machine.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareSnapshots, type DiffKey } from '../../src/analyzers/snapshot-diff.js';
import { parseSnapshotPickle } from '../../src/import/snapshot-pickle.js';
import { formatTracemallocLines } from '../../src/reports/diff-tracemalloc.js';
import { pythonsToCompareWith, runPython } from '../python-interpreters.js';
import { ROOT, hasStackTrace, memreplay, tempDir } from './helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'tracemalloc');
const COMBOS: readonly [DiffKey, boolean][] = [
  ['lineno', false],
  ['filename', false],
  ['traceback', false],
  ['lineno', true],
  ['filename', true],
];
const expectedName = (key: DiffKey, cumulative: boolean): string => `expected-${key}${cumulative ? '-cumulative' : ''}.txt`;
const cliArgs = (key: DiffKey, cumulative: boolean): string[] => ['--by', key, ...(cumulative ? ['--cumulative'] : []), '--style', 'tracemalloc'];

function linesOf(dir: string, key: DiffKey, cumulative: boolean, newFile = 'new.pickle'): string {
  const older = parseSnapshotPickle(readFileSync(join(dir, 'old.pickle')), 'old.pickle');
  const newer = parseSnapshotPickle(readFileSync(join(dir, newFile)), newFile);
  return formatTracemallocLines(compareSnapshots(newer, older, key, cumulative));
}

/** Run the workload the way its README says, into a fresh directory. */
function runWorkload(python: string): string {
  const out = tempDir();
  runPython(python, ['-c', "exec(compile(open('workload.py').read(), 'workload.py', 'exec'))", out], FIXTURES);
  return out;
}

describe('diff --format tracemalloc prints what compare_to prints, byte for byte (checked-in dumps)', () => {
  for (const version of ['3.8', '3.13']) {
    const dir = join(FIXTURES, version);
    for (const [key, cumulative] of COMBOS) {
      it(`CPython ${version}, by ${key}${cumulative ? ', cumulative' : ''}`, () => {
        const expected = readFileSync(join(dir, expectedName(key, cumulative)), 'utf8');
        expect(expected.length).toBeGreaterThan(0);
        expect(linesOf(dir, key, cumulative)).toBe(expected);
      });
    }
    it(`CPython ${version}: the command prints the same lines, from the pickles and from the JSONL snapshots`, () => {
      const r = memreplay(['diff', join(dir, 'old.pickle'), join(dir, 'new.pickle'), ...cliArgs('traceback', false)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(dir, expectedName('traceback', false)), 'utf8'));
      const jsonl = join(dir, 'snapshots.jsonl.gz');
      const j = memreplay(['diff', jsonl, jsonl, '--old-label', 'old', '--new-label', 'new', ...cliArgs('lineno', true)]);
      expect(j.stderr).toBe('');
      expect(j.stdout).toBe(readFileSync(join(dir, expectedName('lineno', true)), 'utf8'));
    });
  }

  it('reads gzip-compressed dumps and a dump on standard input', () => {
    const dir = tempDir();
    const old = join(dir, 'old.pickle.gz');
    writeFileSync(old, gzipSync(readFileSync(join(FIXTURES, '3.13', 'old.pickle'))));
    const r = memreplay(['diff', old, '-', ...cliArgs('lineno', true)], readFileSync(join(FIXTURES, '3.13', 'new.pickle')));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(join(FIXTURES, '3.13', expectedName('lineno', true)), 'utf8'));
  });
});

describe('diff on fresh dumps of every CPython found (workload with the standard library frames)', () => {
  for (const { label, version, command: python } of pythonsToCompareWith()) {
    it.skipIf(python === null)(`${label}${python === null ? ` (skipped: no python${version} on PATH or in pyenv)` : ''}: every key, cumulative or not, and pickle protocols 0-5`, () => {
      const dir = runWorkload(python!);
      for (const [key, cumulative] of COMBOS) {
        const expected = readFileSync(join(dir, expectedName(key, cumulative)), 'utf8');
        expect(expected.split('\n').length).toBeGreaterThan(20);
        expect(linesOf(dir, key, cumulative), `${version} by ${key} cumulative=${cumulative}`).toBe(expected);
      }
      // The same snapshot pickled with each protocol reads the same.
      const lineno = readFileSync(join(dir, expectedName('lineno', false)), 'utf8');
      const protocols = readdirSync(dir).filter((f) => /^new-proto\d\.pickle$/.test(f));
      expect(protocols.length).toBeGreaterThanOrEqual(6);
      for (const file of protocols) expect(linesOf(dir, 'lineno', false, file), file).toBe(lineno);
      // And the command end to end, on a protocol 0 pickle and on the JSONL snapshots.
      const r = memreplay(['diff', join(dir, 'old.pickle'), join(dir, 'new-proto0.pickle'), ...cliArgs('filename', true)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(dir, expectedName('filename', true)), 'utf8'));
      const jsonl = join(dir, 'snapshots.jsonl.gz');
      const j = memreplay(['diff', jsonl, jsonl, '--old-label', 'old', '--new-label', 'new', ...cliArgs('traceback', false)]);
      expect(j.stdout).toBe(readFileSync(join(dir, expectedName('traceback', false)), 'utf8'));
    });
  }
});

describe('diff of snapshots: the other outputs', () => {
  const old = join(FIXTURES, '3.13', 'old.pickle');
  const neu = join(FIXTURES, '3.13', 'new.pickle');

  it('--json lists the statistics in compare_to order with sizes, counts and frames oldest first', () => {
    const r = memreplay(['diff', old, neu, '--json', '--by', 'traceback']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe('memreplay.snapshot-diff/1');
    expect(doc.by).toBe('traceback');
    expect(doc.old.format).toBe('pickle');
    expect(doc.new.tracebackLimit).toBe(6);
    expect(doc.statisticsTotal).toBe(doc.statistics.length);
    const lines = readFileSync(join(FIXTURES, '3.13', expectedName('traceback', false)), 'utf8').trimEnd().split('\n');
    expect(doc.statistics.length).toBe(lines.length);
    // The first statistic: the 3 MiB bytearray at app/𝔘nicode.py:4, called from the workload.
    const first = doc.statistics[0];
    expect(first.frames[first.frames.length - 1]).toEqual({ filename: 'app/\u{1d518}nicode.py', lineno: 4 });
    expect(first.frames[0]).toEqual({ filename: '<string>', lineno: 1 });
    expect(first.count).toBe(2);
    expect(first.countDiff).toBe(2);
    expect(lines[0]).toBe(`<string>:1: size=${Math.round(first.size / 1024)} KiB (+${Math.round(first.sizeDiff / 1024)} KiB), count=2 (+2), average=${Math.round(first.size / 2048)} KiB`);
    expect(doc.totals.sizeDiff).toBe(doc.new.size - doc.old.size);
  });

  it('the text table shows the largest changes with their innermost frame', () => {
    const r = memreplay(['diff', old, neu, '--top', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('snapshots compared by lineno');
    expect(r.stdout).toMatch(/3\.00 MiB\s+\+3\.00 MiB\s+2\s+\+2\s+app\/\u{1d518}nicode\.py:4/u);
    expect(r.stdout).toContain('largest changes by lineno (3 of');
  });

  it('refuses --cumulative with --by traceback, as tracemalloc does', () => {
    const r = memreplay(['diff', old, neu, '--by', 'traceback', '--cumulative']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: --cumulative works with --by lineno or --by filename/);
  });

  it('refuses --depth: a snapshot kept the frames tracemalloc was asked for', () => {
    const r = memreplay(['diff', old, neu, '--depth', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: --depth applies to event traces/);
  });

  it('rejects a pickle that names another global, without running it, as one line with the byte offset', () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const evil = join(dir, 'evil.pickle');
    // pickle.dumps of os.system("touch <marker>"), protocol 4, assembled by hand.
    const cmd = Buffer.from(`touch ${marker}`);
    writeFileSync(
      evil,
      Buffer.concat([
        Buffer.from([0x80, 4, 0x8c, 5]), Buffer.from('posix'), Buffer.from([0x8c, 6]), Buffer.from('system'),
        Buffer.from([0x93, 0x8c, cmd.length]), cmd, Buffer.from([0x85, 0x52, 0x2e]),
      ]),
    );
    const r = memreplay(['diff', evil, neu]);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toBe(
      `memreplay: ${evil}: byte 17: forbidden global "posix.system": a tracemalloc Snapshot.dump() file may refer only to tracemalloc.Snapshot, tracemalloc._Traces; nothing was imported or run\n`,
    );
    expect(() => readFileSync(marker)).toThrow();
  });

  it('a snapshot and an event trace cannot be compared', () => {
    const r = memreplay(['diff', old, join(ROOT, 'test', 'fixtures', 'cpython-traces', 'startup-3.13.csv.gz')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a snapshot and .* is an event trace: diff compares two snapshots or two event traces/);
  });

  it('a JSONL file with several snapshots needs --old-label / --new-label, and the message names them', () => {
    const jsonl = join(FIXTURES, '3.13', 'snapshots.jsonl.gz');
    const several = '(labels "old", "new")';
    const o = memreplay(['diff', jsonl, old]);
    expect(o.code).toBe(2);
    expect(o.stderr).toBe(`memreplay: ${jsonl}: the file holds 2 snapshots ${several}; choose one with --old-label LABEL\n`);
    const n = memreplay(['diff', old, jsonl]);
    expect(n.stderr).toBe(`memreplay: ${jsonl}: the file holds 2 snapshots ${several}; choose one with --new-label LABEL\n`);
    const wrong = memreplay(['diff', old, old, '--new-label', 'x']);
    expect(wrong.stderr).toBe(`memreplay: ${old}: --new-label applies only to JSONL snapshot files; this is a Snapshot.dump() pickle\n`);
  });

  it('random bytes or an unknown start are neither a snapshot nor a trace, said as the trace importer says it', () => {
    const dir = tempDir();
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 251)));
    const numbers = join(dir, 'numbers.txt');
    writeFileSync(numbers, '12345\n67890\n');
    const cases: [string[], string][] = [
      [['diff', garbage, old], `memreplay: ${garbage}: binary file: not a CSV or JSONL trace\n`],
      [['diff', old, garbage], `memreplay: ${garbage}: binary file: not a CSV or JSONL trace\n`],
      [
        ['diff', numbers, old],
        `memreplay: ${numbers}: not a tracemalloc snapshot or an event trace: it starts with "12345\\n67890\\n"; ` +
          'expected a Snapshot.dump() pickle, a JSONL snapshot file, or a CSV or JSONL trace\n',
      ],
    ];
    for (const [args, message] of cases) {
      const r = memreplay(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
  });
});
