// `check --per-test`: a verdict for each test measured (analyzers/per-test.ts).
// A test fails when
//  - it has a `limit_leaks` (its marker, else the config's perTest default)
//    and keeps more than that after its teardown;
//  - it has a `limit_memory` and held more than that at once;
//  - it is a steady-state leak: a site the growth rule calls one, whose live
//    bytes rose after every repetition (this needs --repeat-tests of at least
//    MIN_STEADY_INTERVALS when recording: with fewer, no test can fail for it);
//  - the run stopped inside it (no teardown end: a crash), or a marker's limit
//    is no size.
// With no limit, only a steady-state leak fails a test: a cache filled once,
// or what the first test to import a module keeps, is not one.

import type { TestMeasure } from '../analyzers/per-test.js';
import { MIN_STEADY_INTERVALS } from '../analyzers/growth-rule.js';
import { parseByteSize } from './byte-size.js';
import { bytes as byteText } from '../text/units.js';

export const PER_TEST_SCHEMA = 'memreplay.check-per-test/1';

/** Limits for every test without a marker of its own (memreplay.config.json `check.perTest`). */
export interface PerTestDefaults {
  readonly limitLeaks?: number;
  readonly limitMemory?: number;
}

export type TestFailureKind = 'steady_leak' | 'limit_leaks' | 'limit_memory' | 'incomplete' | 'bad_limit';

export interface TestFailure {
  readonly kind: TestFailureKind;
  /** One line, for a terminal and a JUnit message. */
  readonly message: string;
}

export interface TestVerdict {
  readonly measure: TestMeasure;
  /** The limits applied, in bytes, and where they came from. */
  readonly limitLeaks: { readonly bytes: number; readonly from: 'marker' | 'config' } | null;
  readonly limitMemory: { readonly bytes: number; readonly from: 'marker' | 'config' } | null;
  readonly failures: readonly TestFailure[];
  readonly passed: boolean;
}

export interface PerTestReport {
  readonly schema: typeof PER_TEST_SCHEMA;
  readonly file: string;
  readonly tests: readonly TestVerdict[];
  readonly failed: number;
  readonly passed: boolean;
  /** The most call repetitions of any test: below MIN_STEADY_INTERVALS no steady-state leak can be found. */
  readonly repetitions: number;
  readonly leakVerdicts: boolean;
}

function limitOf(
  marker: string | undefined,
  fallback: number | undefined,
  name: string,
  failures: TestFailure[],
): { bytes: number; from: 'marker' | 'config' } | null {
  if (marker !== undefined) {
    const bytes = parseByteSize(marker);
    if (bytes !== undefined) return { bytes, from: 'marker' };
    failures.push({ kind: 'bad_limit', message: `@pytest.mark.${name}(${JSON.stringify(marker)}): not a size (write "4 KiB", "24 MB" or a number of bytes)` });
    return null;
  }
  return fallback === undefined ? null : { bytes: fallback, from: 'config' };
}

export function testVerdictOf(m: TestMeasure, defaults: PerTestDefaults): TestVerdict {
  const failures: TestFailure[] = [];
  const limitLeaks = limitOf(m.limits.limit_leaks, defaults.limitLeaks, 'limit_leaks', failures);
  const limitMemory = limitOf(m.limits.limit_memory, defaults.limitMemory, 'limit_memory', failures);
  if (!m.complete) failures.push({ kind: 'incomplete', message: 'the run stopped inside this test (no end of its teardown in the trace)' });
  for (const s of m.leakSites) {
    const where = s.location === null ? s.key : `${s.location.file}:${s.location.line}`;
    failures.push({
      kind: 'steady_leak',
      message: `steady-state leak at ${where}: +${byteText(Math.round(s.bytesPerRepetition))} per repetition over ${m.repetitions}, ${byteText(s.bytes)} live after teardown`,
    });
  }
  if (limitLeaks !== null && m.retainedBytes > limitLeaks.bytes) {
    failures.push({ kind: 'limit_leaks', message: `keeps ${byteText(m.retainedBytes)} after teardown, limit_leaks ${byteText(limitLeaks.bytes)} (${limitLeaks.from})` });
  }
  if (limitMemory !== null && m.peakBytes > limitMemory.bytes) {
    failures.push({ kind: 'limit_memory', message: `held ${byteText(m.peakBytes)} at once, limit_memory ${byteText(limitMemory.bytes)} (${limitMemory.from})` });
  }
  return { measure: m, limitLeaks, limitMemory, failures, passed: failures.length === 0 };
}

export function perTestReportOf(file: string, measures: readonly TestMeasure[], defaults: PerTestDefaults): PerTestReport {
  const tests = measures.map((m) => testVerdictOf(m, defaults));
  const failed = tests.filter((t) => !t.passed).length;
  const repetitions = measures.reduce((n, m) => Math.max(n, m.repetitions), 0);
  return { schema: PER_TEST_SCHEMA, file, tests, failed, passed: failed === 0, repetitions, leakVerdicts: repetitions >= MIN_STEADY_INTERVALS };
}
