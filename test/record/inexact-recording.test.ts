// A real recording the model cannot follow: CPython 3.12 sub-interpreters
// allocate from obmalloc states of their own. The recorder names them in the
// `interp` column and the replay keeps one model per state (exact: see
// subinterpreters.test.ts); without that column (an older recorder, or a
// converter that dropped it) every event goes to one model, which cannot
// follow them (issue 11: `-m test test_threading` on 3.12). Every command
// must then say the replay is inexact, and check must fail it on that alone.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, titleFor, WORKLOADS } from './helpers.js';

describe('a recording with an isolated sub-interpreter', () => {
  const python = findPython('3.12');
  it.skipIf(!python)(titleFor('3.12', 'without its interp column is an inexact replay: analyze warns, its JSON counts the mismatches, check fails it unless --allow-inexact'), () => {
    const dir = tempDir();
    const recorded = join(dir, 'sub.csv.gz');
    const rec = memreplay(['record', '-q', '--no-stacks', '--python', python!, '-o', recorded, '--', join(WORKLOADS, 'subinterpreter.py')]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(JSON.parse(memreplay(['analyze', '--json', recorded]).stdout).traces[0].exactness.state).toBe('exact');
    // The same trace with its interp column renamed: an unknown column, ignored.
    const text = gunzipSync(readFileSync(recorded)).toString('utf8');
    expect(text).toMatch(/^op,.*,interp$/m);
    const out = join(dir, 'sub-no-interp.csv');
    writeFileSync(out, text.replace(/^(op,.*),interp$/m, '$1,dropped'));
    const analyze = memreplay(['analyze', out]);
    expect(analyze.stdout.split('\n')[1]).toMatch(/^warning: inexact replay: [\d,]+ of [\d,]+ block addresses differ from the trace; [\d,]+ arena decisions? of the model disagrees? with the trace's arena records; /);
    const e = JSON.parse(memreplay(['analyze', '--json', out]).stdout).traces[0].exactness;
    expect(e.state).toBe('inexact');
    expect(e.addressMismatches).toBeGreaterThan(0);
    expect(e.arenaMismatches).toBeGreaterThan(0);
    // A generous arena budget passes on the model's figures, which are not the program's: the replay fails instead.
    const check = memreplay(['check', out, '--max-arenas', '1000']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^result: FAIL \(0 passed, 1 failed; 1 inexact\)$/m);
    // The leak rule is not what this test is about: budgets it cannot break.
    const allowed = memreplay(['check', out, '--max-arenas', '1000', '--max-leak-sites', '1000000', '--allow-no-verdict', '--allow-inexact']);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout).toMatch(/^ {2}warning: inexact replay: .*\(allowed: --allow-inexact\)$/m);
  });
});
