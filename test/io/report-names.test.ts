import { describe, expect, it } from 'vitest';
import { reportBaseName, uniqueReportNames } from '../../src/io/report-names.js';

describe('report file names', () => {
  it('come from the trace file name without its trace and gzip suffixes', () => {
    expect(reportBaseName('traces/startup-3.11.csv.gz')).toBe('startup-3.11');
    expect(reportBaseName('/x/run.jsonl')).toBe('run');
    expect(reportBaseName('run.JSONL.GZ')).toBe('run');
    expect(reportBaseName('data.bin')).toBe('data.bin');
  });

  it('come from the path of a URL, never its query', () => {
    expect(reportBaseName('https://bucket.example.com/runs/api-7.csv.gz?X-Amz-Signature=abc&X-Amz-Expires=600')).toBe('api-7');
    expect(reportBaseName('http://h:8080/t.jsonl#frag')).toBe('t');
  });

  it('keep only characters safe on every file system', () => {
    expect(reportBaseName('a b/<x>?:*"|.csv')).toBe('_x_');
    expect(reportBaseName('../..csv')).toBe('trace');
    expect(reportBaseName('-rf.csv')).toBe('rf');
    expect(reportBaseName('x'.repeat(300) + '.csv')).toHaveLength(80);
    expect(reportBaseName('-')).toBe('stdin');
  });

  it('are unique in a batch, in input order, whatever the case, and never a reserved name', () => {
    expect(uniqueReportNames(['a/run.csv', 'b/run.csv.gz', 'c/RUN.jsonl', 'index.csv', 'run-2.csv'], ['index'])).toEqual([
      'run',
      'run-2',
      'RUN-3',
      'index-2',
      'run-2-2',
    ]);
  });
});
