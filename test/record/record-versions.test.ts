// Acceptance: a program recorded with every CPython installed here replays
// through memreplay to exactly what that CPython printed about itself, at
// both marks, with every block address predicted.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, records, SERIES, titleFor, traceMeta, WORKLOADS } from './helpers.js';

describe('memreplay record on every installed CPython', () => {
  SERIES.forEach((series, i) => {
    const python = findPython(series);
    // Half the versions write gzip, half plain CSV: both paths are covered.
    const name = i % 2 === 0 ? `mixed-${series}.csv.gz` : `mixed-${series}.csv`;
    it.skipIf(!python)(titleFor(series, `CPython ${series}: stats --verify reproduces its own statistics byte for byte and predicts every address`), () => {
      const dir = tempDir();
      const out = join(dir, name);
      const rec = memreplay(['record', '--python', python!, '-o', out, '--', join(WORKLOADS, 'mixed.py')]);
      expect(rec.stderr).toMatch(/recorded [\d,]+ events and [\d,]+ call stacks of CPython 3\.\d+\.\d+ in /);
      expect(rec.code).toBe(0);
      expect(rec.stdout).toMatch(/^mixed: kept 715 results 2 grow 3000 blobs 50\n$/);

      const text = readTrace(out);
      const meta = traceMeta(text);
      expect(meta['python']?.startsWith(`${series}.`)).toBe(true);
      expect(meta['complete']).toBe('true');
      expect(meta['preinit_allocated_blocks']).toBe('0');
      expect(meta['preinit_arenas_allocated']).toBe('0');
      expect(meta['arena_size']).toBe(series === '3.8' || series === '3.9' ? '262144' : '1048576');
      const recs = records(text);
      expect(recs[0]).toMatch(/^arena_alloc,0x[0-9a-f]+,/); // complete: the first record is the first arena
      const marks = recs.filter((r) => r.startsWith('mark,')).map((r) => r.slice(r.lastIndexOf(',') + 1));
      expect(marks).toEqual(['"start"', '"churned"', '"threads joined"', '"reclaimed"', '"stats"', '"final"', '"end"']);
      expect(meta['end_mark']).toBe('end');
      expect(recs.at(-1)).toMatch(/^mark,.*,"end"$/); // the run ended normally: the end mark is the last record
      // pymalloc gave arenas back; the two worker threads allocated too
      expect(recs.some((r) => r.startsWith('arena_free,'))).toBe(true);
      const threads = new Set(recs.filter((r) => r.startsWith('alloc,')).map((r) => r.split(',')[6]));
      expect(threads.size).toBeGreaterThanOrEqual(3);
      // stacks name the workload's functions, oldest frame first
      expect(text).toMatch(/^stack,,,,,,,\d+,"[^"\n]*<module> \([^"\n]*mixed\.py:\d+\);churn \([^"\n]*mixed\.py:\d+\)/m);
      expect(text).toMatch(/^stack,,,,,,,\d+,"[^"\n]*worker \([^"\n]*mixed\.py:\d+\)/m);

      const stem = out.replace(/\.csv\.gz$/, '');
      const atStats = memreplay(['stats', out, '--at', 'stats']);
      expect(atStats.code).toBe(0);
      expect(atStats.stdout).toBe(pymallocPartOf(readFileSync(`${stem}.stats.txt`, 'utf8')));
      expect(atStats.stdout.length).toBeGreaterThan(500);

      const verify = memreplay(['stats', out, '--verify']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toBe(readFileSync(`${stem}.final.stats.txt`, 'utf8'));
      const m = /([\d,]+) of ([\d,]+) pymalloc block addresses predicted exactly/.exec(verify.stderr);
      expect(m).not.toBeNull();
      expect(m![1]).toBe(m![2]);
      expect(verify.stderr).toMatch(/, 0 mismatches\n/);
      expect(verify.stderr).toMatch(/: EXACT\n/);
    });
  });
});
