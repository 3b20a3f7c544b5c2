import { describe, expect, it } from 'vitest';
import { finalStatsPath, recordingFiles } from '../../src/record/output-paths.js';

describe('the files a recording writes', () => {
  it('puts the statistics beside the trace, named after it', () => {
    expect(recordingFiles('out/app.csv')).toEqual({ trace: 'out/app.csv', stats: 'out/app.csv.stats.txt', final: 'out/app.csv.final.stats.txt', gzip: false, mrt: false });
    expect(recordingFiles('app.csv.gz')).toEqual({ trace: 'app.csv.gz', stats: 'app.stats.txt', final: 'app.final.stats.txt', gzip: true, mrt: false });
    expect(recordingFiles('app.mrt')).toEqual({ trace: 'app.mrt', stats: 'app.mrt.stats.txt', final: 'app.mrt.final.stats.txt', gzip: false, mrt: true });
    expect(recordingFiles('trace')).toMatchObject({ stats: 'trace.stats.txt', final: 'trace.final.stats.txt', gzip: false });
    expect(recordingFiles('trace.gz')).toMatchObject({ stats: 'trace.gz.stats.txt', gzip: true });
  });

  it('a plain and a compressed recording of the same name keep their own statistics', () => {
    for (const [plain, compressed] of [['c.csv', 'c.csv.gz'], ['t', 't.gz'], ['c.mrt', 'c.csv.gz']] as const) {
      const a = recordingFiles(plain);
      const b = recordingFiles(compressed);
      expect(new Set([a.stats, a.final, b.stats, b.final]).size).toBe(4);
    }
  });

  it('--stats-out names the stats file; the final one is derived from it', () => {
    expect(recordingFiles('a.csv', 's/run1.stats.txt')).toMatchObject({ stats: 's/run1.stats.txt', final: 's/run1.final.stats.txt' });
    expect(finalStatsPath('mallocstats.txt')).toBe('mallocstats.final.txt');
    expect(finalStatsPath('stats')).toBe('stats.final');
  });
});
