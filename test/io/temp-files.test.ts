// Temporary files of writers killed between write and rename: removed on the
// next write to their directory when their writer is surely gone, and never
// while it may still be running.

import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STALE_TEMP_AGE_MS, sweepStaleTemps, tempPathFor, thisWriter, writerTag } from '../../src/io/temp-files.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { tempDir } from '../cli/helpers.js';

/** The pid of a process that has ended (a child run to its end and reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function touch(path: string, ageMs = 0): string {
  writeFileSync(path, 'half a report');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return basename(path);
}

describe('tempPathFor', () => {
  it('names the target, the process and where it runs, hidden beside the target', () => {
    const p = tempPathFor(join('out', 'report.html'), 4242, writerTag('box_1.example', '4026531836'));
    expect(p).toMatch(/^out\/\.report\.html~memreplay-4242-box1example-4026531836-[0-9a-f]{8}\.tmp$/);
  });

  it('keeps within a file name\'s 255 bytes for a long target name', () => {
    for (const long of ['x'.repeat(250), 'é'.repeat(120), '😀'.repeat(60)]) {
      const temp = basename(tempPathFor(long, 4242, writerTag('h'.repeat(60), '4026531836')));
      expect(Buffer.byteLength(temp), long).toBeLessThanOrEqual(255);
      expect(temp).not.toContain('\ufffd');
      expect(temp.startsWith(`.${long.slice(0, 10)}`)).toBe(true);
    }
  });
});

describe('sweepStaleTemps', () => {
  it('removes the temporary files of dead writers of this host, and only those', () => {
    const dir = tempDir();
    const dead = touch(tempPathFor(join(dir, 'a.html'), deadPid()));
    const alive = touch(tempPathFor(join(dir, 'b.html'), process.pid));
    const otherHost = touch(tempPathFor(join(dir, 'c.html'), deadPid(), `not-${thisWriter}`));
    const notOurs = [touch(join(dir, '.a.html.123.deadbeef.tmp')), touch(join(dir, 'notes.tmp')), touch(join(dir, '.x~memreplay-1-h-zz.tmp'))];
    mkdirSync(join(dir, `.d~memreplay-${deadPid()}-${thisWriter}-00000000.tmp`));
    expect(sweepStaleTemps(dir)).toEqual([dead]);
    const left = readdirSync(dir);
    for (const name of [alive, otherHost, ...notOurs]) expect(left).toContain(name);
    expect(left).toHaveLength(6); // and the directory
  });

  it('removes another host\'s once older than any write; never a live writer\'s of this host, however old', () => {
    const dir = tempDir();
    const oldAlive = touch(tempPathFor(join(dir, 'a.html'), process.pid), STALE_TEMP_AGE_MS + 60_000);
    const oldOther = touch(tempPathFor(join(dir, 'b.html'), 1, 'elsewhere'), STALE_TEMP_AGE_MS + 60_000);
    const fresh = touch(tempPathFor(join(dir, 'c.html'), 1, 'elsewhere'), 60_000);
    expect(sweepStaleTemps(dir)).toEqual([oldOther]);
    expect(readdirSync(dir).sort()).toEqual([oldAlive, fresh].sort());
  });

  it('asks whether the writer is alive, for this host only', () => {
    const dir = tempDir();
    touch(tempPathFor(join(dir, 'a.html'), 777));
    const asked: number[] = [];
    expect(sweepStaleTemps(dir, { isAlive: (pid) => (asked.push(pid), true) })).toEqual([]);
    expect(asked).toEqual([777]);
    expect(sweepStaleTemps(dir, { isAlive: () => false })).toHaveLength(1);
  });

  it('is silent about a directory it cannot read', () => {
    expect(sweepStaleTemps(join(tempDir(), 'missing'))).toEqual([]);
  });
});

describe('writeReportFile', () => {
  it('sweeps what killed writers left in the directory it writes to', () => {
    const dir = tempDir();
    const left = touch(tempPathFor(join(dir, 'r.txt'), deadPid()));
    writeReportFile(join(dir, 'r.txt'), 'report\n', { inputs: [] });
    expect(existsSync(join(dir, left))).toBe(false);
    expect(readdirSync(dir)).toEqual(['r.txt']);
  });
});
