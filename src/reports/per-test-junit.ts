// `check --per-test --junit`: one <testcase> per test, named as pytest's own
// junitxml names it (classname: the module's dotted path and any classes;
// name: the function with its parameters), so CI dashboards put memreplay's
// verdict beside pytest's result for the same test.

import type { PerTestReport } from '../check/per-test-policy.js';
import { xml } from './junit.js';

/** classname and name from a pytest node id: `pkg/test_a.py::TestK::test_f[x-1]` → `pkg.test_a.TestK`, `test_f[x-1]`. */
export function junitNamesOf(nodeid: string): { classname: string; name: string } {
  // Parameters may hold "::" or "/": only the part before "[" is split.
  const bracket = nodeid.indexOf('[');
  const path = bracket < 0 ? nodeid : nodeid.slice(0, bracket);
  const params = bracket < 0 ? '' : nodeid.slice(bracket);
  const parts = path.split('::');
  parts[0] = parts[0]!.replace(/\//g, '.').replace(/\.py$/, '');
  const name = parts.pop()! + params;
  return { classname: parts.join('.'), name };
}

export function formatPerTestJunit(report: PerTestReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const n = report.tests.length;
  out.push(`<testsuites name="memreplay check --per-test" tests="${n}" failures="${report.failed}" errors="0" skipped="0">`);
  out.push(`  <testsuite name="${xml(report.file)}" tests="${n}" failures="${report.failed}" errors="0" skipped="0">`);
  for (const t of report.tests) {
    const { classname, name } = junitNamesOf(t.measure.nodeid);
    const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}"`;
    if (t.passed) {
      out.push(`${open}/>`);
      continue;
    }
    const detail = [
      ...t.failures.map((f) => f.message),
      ...t.measure.leakSites.map((s) => `leak site: ${s.key}`),
      ...t.measure.topSites.map((s) => `kept at ${s.key}: ${s.bytes} bytes in ${s.blocks} blocks`),
    ].join('\n');
    out.push(`${open}>`, `      <failure type="memory" message="${xml(t.failures[0]!.message)}">${xml(detail)}</failure>`, '    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
