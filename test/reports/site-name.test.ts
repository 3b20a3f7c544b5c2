// Site names shortened to a column keep what tells them apart: the function,
// the file name and the line; the path gives way in its middle, and in a
// traceback the innermost frame is the last to give way.

import { describe, expect, it } from 'vitest';
import { siteCell } from '../../src/reports/html/html-table.js';
import { MAX_CORE, nameBudget, shortPath, shortSiteName } from '../../src/reports/site-name.js';

const PREFIX = '/home/.pyenv/versions/3.11.7/lib/python3.11';
const TESTS = `${PREFIX}/test/test_asyncio/test_tasks.py`;
/** The three rows the issue found printed alike, cut from the right. */
const ROWS = [2450, 2459, 2462].map((line) => `add_subclass_tests (${TESTS}:${line})`);

describe('shortSiteName', () => {
  it('keeps three sites on one function and file three distinct rows, each with its line', () => {
    for (const max of [90, 60, 45]) {
      const shown = ROWS.map((k) => shortSiteName(k, max));
      expect(new Set(shown).size).toBe(3);
      shown.forEach((s, i) => {
        expect(s.length).toBeLessThanOrEqual(max);
        expect(s).toMatch(new RegExp(`^add_subclass_tests \\(.*/test_tasks\\.py:${[2450, 2459, 2462][i]}\\)$`));
      });
    }
    // As many of the last directories as fit.
    expect(shortSiteName(ROWS[0]!, 90)).toBe('add_subclass_tests (…/versions/3.11.7/lib/python3.11/test/test_asyncio/test_tasks.py:2450)');
    expect(shortSiteName(ROWS[0]!, 60)).toBe('add_subclass_tests (…/test/test_asyncio/test_tasks.py:2450)');
  });

  it('leaves a name that fits as it is, and never cuts the function, file name or line', () => {
    expect(shortSiteName(ROWS[0]!, 200)).toBe(ROWS[0]);
    // Narrower than the function, file name and line: the path is all that goes.
    expect(shortSiteName(ROWS[0]!, 10)).toBe('add_subclass_tests (…/test_tasks.py:2450)');
    expect(shortSiteName(`${TESTS}:7`, 30)).toBe('…/test_asyncio/test_tasks.py:7');
    expect(shortSiteName('a_function (x.py:3)', 5)).toBe('a_function (x.py:3)');
    // --by function and --by filename keys, and the no-stack groups.
    expect(shortSiteName(`add_subclass_tests (${TESTS})`, 50)).toBe('add_subclass_tests (…/test_asyncio/test_tasks.py)');
    // The first directory stays in front when it fits too.
    expect(shortSiteName(TESTS, 40)).toBe('/home/…/test/test_asyncio/test_tasks.py');
    expect(shortSiteName('(no stack) obj size class 3 (64-byte blocks)', 20)).toBe('(no stack) obj size class 3 (64-byte blocks)');
    expect(shortPath('C:\\Users\\me\\proj\\src\\app\\jobs.py', 25)).toBe('…\\me\\proj\\src\\app\\jobs.py');
    expect(shortPath('C:\\Users\\me\\proj\\src\\app\\jobs.py', 20)).toBe('C:\\…\\src\\app\\jobs.py');
  });

  it('with --by traceback shortens the outer frames first and the innermost frame last', () => {
    const key = [`<module> (${PREFIX}/runpy.py:198)`, `main (${PREFIX}/unittest/main.py:101)`, ROWS[1]!].join('; ');
    // Wide enough for the innermost frame whole: the outer ones lose their directories.
    const outerShort = `<module> (…/runpy.py:198); main (…/main.py:101); ${ROWS[1]}`;
    expect(shortSiteName(key, outerShort.length)).toBe(outerShort);
    // Then they go, oldest first, before the innermost frame gives way.
    expect(shortSiteName(key, 110)).toBe(`…; ${ROWS[1]}`);
    expect(shortSiteName(key, 70)).toBe('…; add_subclass_tests (/home/…/test/test_asyncio/test_tasks.py:2459)');
    expect(shortSiteName(key, 20)).toBe('…; add_subclass_tests (…/test_tasks.py:2459)');
  });

  it('bounds a hostile name whose function alone is longer than any terminal', () => {
    const hostile = `${'f'.repeat(1000)} (${'d/'.repeat(200)}x.py:1)`;
    const shown = shortSiteName(hostile, 90);
    expect(shown.length).toBe(MAX_CORE);
    expect(shown.endsWith('x.py:1)')).toBe(true);
  });

  it('takes what the terminal leaves after the figures, at least 40 columns', () => {
    expect(nameBudget(undefined, 61, 90)).toBe(90);
    expect(nameBudget(200, 61, 90)).toBe(139);
    expect(nameBudget(80, 61, 90)).toBe(40);
  });

  it('the HTML report’s site cells keep a long traceback’s innermost frame and line', () => {
    const frames = Array.from({ length: 6 }, (_, i) => `step_${i} (${PREFIX}/pkg_${i}/module_${i}.py:${100 + i})`);
    const cell = siteCell([...frames, ROWS[2]!].join('; '));
    expect(cell.replace(/<wbr>/g, '')).toContain('add_subclass_tests (');
    expect(cell.replace(/<wbr>/g, '')).toMatch(/test_tasks\.py:2462\)<\/span>$/);
  });
});
