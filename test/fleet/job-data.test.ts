// The worker's check of a job's data: exactly what submit writes passes;
// anything else is refused, naming what is wrong, as a failure not retried.

import { describe, expect, test } from 'vitest';
import { checkJobData, isPlainName } from '../../src/fleet/job-data.js';

const good = { v: 1, run: 'nightly', trace: 'traces/a.csv.gz', cwd: '/data', name: 'a', check: { leaks: {}, budgets: {}, rules: {} }, report: null };

const refused = (data: unknown): string => {
  try {
    checkJobData(data);
  } catch (e) {
    expect((e as Error).name).toBe('UnrecoverableError');
    return (e as Error).message;
  }
  return 'accepted';
};

describe('checkJobData', () => {
  test('accepts what submit writes, with or without a report request', () => {
    expect(checkJobData(good)).toBe(good);
    expect(refused({ ...good, report: { options: {}, format: 'html' } })).toBe('accepted');
  });

  test('refuses every other shape, naming what is wrong', () => {
    expect(refused(null)).toBe('refused job: its data is not an object');
    expect(refused([good])).toBe('refused job: its data is not an object');
    expect(refused({ ...good, exec: 'sh' })).toBe('refused job: unknown field "exec"');
    expect(refused({ ...good, v: '1' })).toBe('refused job: version "1", this worker reads 1');
    expect(refused({ ...good, run: 'a:b' })).toBe('refused job: the run name is not one submit gives');
    expect(refused({ ...good, trace: 'a\0b' })).toBe('refused job: the trace is not a path or URL');
    expect(refused({ ...good, trace: 'x'.repeat(9000) })).toBe('refused job: the trace is not a path or URL');
    expect(refused({ ...good, cwd: 'relative' })).toBe('refused job: the working directory is not an absolute path');
    expect(refused({ ...good, name: 'a/b' })).toBe('refused job: the report name is not a plain file name');
    expect(refused({ ...good, check: { leaks: {}, budgets: {} } })).toBe('refused job: the check options are not those submit writes');
    expect(refused({ ...good, report: { options: {}, format: 'exe' } })).toBe('refused job: the report request is not one submit writes');
  });

  test('a plain name is one path component', () => {
    expect(['a', 'startup-3.11', 'x.y'].every(isPlainName)).toBe(true);
    expect(['', '.', '..', 'a/b', 'a\\b', 'a\0', 'x'.repeat(256), 3].some(isPlainName)).toBe(false);
  });
});
