// The report directory of a batch: each report written atomically, a failed
// write recorded as that trace's failure, and an index that lists only what
// was written - none at all when nothing was (a full disk must not leave an
// index page saying "0 of 2 traces" as if the run had produced something).

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { ReportDirectory, type ReportOutput } from '../../src/io/report-directory.js';
import { writeReportFile, type WriteOptions } from '../../src/io/write-report.js';
import type { IndexEntry, IndexFailure } from '../../src/reports/report-index.js';
import { formatIndexJson } from '../../src/reports/json/report-index-json.js';
import { tempDir } from '../cli/helpers.js';

function entry(name: string): IndexEntry {
  return {
    file: `${name}.csv`,
    report: `${name}.json`,
    python: '3.11',
    events: 10,
    peakFootprintBytes: 0,
    peakLiveRequestedBytes: 0,
    arenaHighWater: 0,
    utilisationAtArenaPeak: null,
    at: { event: 0, ts: null, seconds: null, mark: null, end: true },
    judgedFootprintBytes: 0,
    judgedLiveRequestedBytes: 0,
    pinnedArenas: 0,
    anomalies: 0,
    leakVerdict: 'no_leak',
    steadyLeakSites: 0,
    exact: true,
  };
}

function report(name: string): ReportOutput {
  return { file: `${name}.csv`, entry: entry(name), files: [{ path: `${name}.json`, content: `{"trace": "${name}"}\n` }] };
}

/** writeReportFile on a disk that fills up: the write of any path matching `full` fails as Node reports ENOSPC. */
function fillingDisk(full: RegExp): (path: string, content: string, options: WriteOptions) => void {
  return (path, content, options) => {
    if (full.test(path)) throw new MemreplayError(`cannot write ${path}: ENOSPC: no space left on device, write`);
    writeReportFile(path, content, options);
  };
}

const renderIndex = async (entries: readonly IndexEntry[], failures: readonly IndexFailure[]) => [{ path: 'index.json', content: formatIndexJson(entries, failures) }];

describe('ReportDirectory', () => {
  it('writes no index when no report of the batch could be written', async () => {
    const dir = tempDir();
    const d = new ReportDirectory({ dir, force: false, inputs: [], writeFile: fillingDisk(/\.json$/) });
    const results = [d.write(report('a')), d.write(report('b'))];
    expect(results.map((r) => ('error' in r ? r.error.message : r.path))).toEqual([
      `cannot write ${join(dir, 'a.json')}: ENOSPC: no space left on device, write`,
      `cannot write ${join(dir, 'b.json')}: ENOSPC: no space left on device, write`,
    ]);
    expect(await d.writeIndex(renderIndex)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lists in the index only the reports written, and the others as failures', async () => {
    const dir = tempDir();
    const d = new ReportDirectory({ dir, force: false, inputs: [], writeFile: fillingDisk(/b\.json$/) });
    expect(d.write(report('a'))).toEqual({ path: join(dir, 'a.json') });
    expect('error' in d.write(report('b'))).toBe(true);
    d.fail('c.csv', 'c.csv:2: expected an address');
    expect(await d.writeIndex(renderIndex)).toBe(join(dir, 'index.json'));
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { traces: { file: string }[]; failures: IndexFailure[] };
    expect(index.traces.map((t) => t.file)).toEqual(['a.csv']);
    expect(index.failures).toEqual([
      { file: 'b.csv', error: `cannot write ${join(dir, 'b.json')}: ENOSPC: no space left on device, write` },
      { file: 'c.csv', error: 'c.csv:2: expected an address' },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'index.json']);
  });

  it('refuses planned files that are inputs (even with --force) or, without --force, exist', () => {
    const dir = tempDir();
    const trace = join(dir, 't.json');
    writeFileSync(trace, 'op,addr,size\n');
    expect(() => new ReportDirectory({ dir, force: true, inputs: [trace] }).refuseClashes(['t.json'])).toThrow(/it is the input/);
    expect(() => new ReportDirectory({ dir, force: false, inputs: [] }).refuseClashes(['t.json', 'u.json'])).toThrow(
      `${trace} exists; pass --force to overwrite, or -o another directory`,
    );
    expect(() => new ReportDirectory({ dir, force: true, inputs: [] }).refuseClashes(['t.json'])).not.toThrow();
  });

  it('with --force removes stale chart specs, but never one that is an input', () => {
    const dir = tempDir();
    const charts = join(dir, 'a.charts');
    const d0 = new ReportDirectory({ dir, force: false, inputs: [] });
    d0.write({ ...report('a'), files: [{ path: 'a.charts/old.vl.json', content: '{}' }, { path: 'a.charts/kept.vl.json', content: '{}' }, { path: 'a.html', content: '' }], charts: 'a.charts' });
    const d = new ReportDirectory({ dir, force: true, inputs: [join(charts, 'kept.vl.json')] });
    d.write({ ...report('a'), files: [{ path: 'a.html', content: '<p>' }], charts: 'a.charts' });
    expect(existsSync(join(charts, 'old.vl.json'))).toBe(false);
    expect(existsSync(join(charts, 'kept.vl.json'))).toBe(true);
  });
});
