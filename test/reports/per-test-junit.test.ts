// JUnit names from pytest node ids, as pytest's junitxml writes them, so that
// CI dashboards merge memreplay's verdicts with pytest's own report.

import { describe, expect, it } from 'vitest';
import { junitNamesOf } from '../../src/reports/per-test-junit.js';

describe('JUnit names of a pytest node id', () => {
  it('makes the module path dotted and keeps classes in the classname', () => {
    expect(junitNamesOf('tests/test_a.py::test_f')).toEqual({ classname: 'tests.test_a', name: 'test_f' });
    expect(junitNamesOf('tests/test_a.py::TestK::test_f')).toEqual({ classname: 'tests.test_a.TestK', name: 'test_f' });
  });

  it('leaves parameters whole, even with :: or / in them', () => {
    expect(junitNamesOf('test_a.py::test_f[a::b/c.py]')).toEqual({ classname: 'test_a', name: 'test_f[a::b/c.py]' });
  });
});
