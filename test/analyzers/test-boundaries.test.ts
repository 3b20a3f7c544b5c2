// The labels of memreplay's pytest plugin read back; anything else is no test mark.

import { describe, expect, it } from 'vitest';
import { testBoundaryOf } from '../../src/analyzers/test-boundaries.js';

describe('test boundaries from mark labels', () => {
  it('reads phases, call repetitions, the end, limits and wider fixtures', () => {
    expect(testBoundaryOf('test:setup:begin a/test_x.py::test_f[1 2]')).toEqual({ kind: 'phase', phase: 'setup', edge: 'begin', repetition: 0, nodeid: 'a/test_x.py::test_f[1 2]' });
    expect(testBoundaryOf('test:call#12:end t.py::K::f')).toEqual({ kind: 'phase', phase: 'call', edge: 'end', repetition: 12, nodeid: 't.py::K::f' });
    expect(testBoundaryOf('test:teardown:end t.py::f')).toMatchObject({ phase: 'teardown', edge: 'end' });
    expect(testBoundaryOf('test:end t.py::f')).toEqual({ kind: 'end', nodeid: 't.py::f' });
    expect(testBoundaryOf('test:limit_leaks=4KiB t.py::f[a b]')).toEqual({ kind: 'limit', limit: 'limit_leaks', value: '4KiB', nodeid: 't.py::f[a b]' });
    expect(testBoundaryOf('test:repeat=3 t.py::f')).toEqual({ kind: 'repeat', times: 3, nodeid: 't.py::f' });
    expect(testBoundaryOf('fixture:setup:begin:session db')).toEqual({ kind: 'fixture', stage: 'setup', edge: 'begin', scope: 'session', name: 'db' });
    expect(testBoundaryOf('fixture:teardown:end:module tree')).toEqual({ kind: 'fixture', stage: 'teardown', edge: 'end', scope: 'module', name: 'tree' });
    expect(testBoundaryOf('test:at=tests/test_a.py:12 tests/test_a.py::test_f[a b]')).toEqual({ kind: 'at', file: 'tests/test_a.py', line: 12, nodeid: 'tests/test_a.py::test_f[a b]' });
    // The plugins %-escape blanks and `%` in the file name: the node id follows the first blank.
    expect(testBoundaryOf('test:at=my%20tests/100%25.py:3 my tests/100%.py::t')).toMatchObject({ file: 'my tests/100%.py', line: 3, nodeid: 'my tests/100%.py::t' });
  });

  it('leaves other marks alone, even ones that look alike', () => {
    for (const label of ['stats', 'iteration 3', 'test:call:begin t.py::f', 'test:call#0:begin t.py::f', 'test:setup:begin', 'test:lunch:begin x', 'test:repeat=0 t.py::f', 'fixture:cleanup:begin:session db', 'test:at=a.py:0 a.py::t', 'test:at=a.py: a.py::t', 'test:at=a%2F.py:3 a.py::t', 'test:at=a.py:99999999999 a.py::t']) {
      expect(testBoundaryOf(label)).toBeNull();
    }
  });
});
