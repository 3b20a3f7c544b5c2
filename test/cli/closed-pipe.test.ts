// Output into a pipe whose reader stops early (`| head -1`): the rest of the
// output is dropped, and the exit code is the command's own - 2 when a trace
// failed, 0 when all went well - never a crash or a 0 that hides a failure.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURES, tempDir } from './helpers.js';

const windows = process.platform === 'win32';

/** Run `memreplay ARGS` (plus `2>&1` when asked) into `head -1`; its first line and memreplay's exit status. */
function intoHead(args: string[], both: boolean): { line: string; status: number } {
  const dir = tempDir();
  const status = join(dir, 'status');
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('sh', ['-c', `(${quoted}${both ? ' 2>&1' : ''}; echo $? > '${status}') | head -1`], { encoding: 'utf8' });
  return { line: r.stdout.trimEnd(), status: Number(readFileSync(status, 'utf8')) };
}

describe.skipIf(windows)(`a closed pipe${windows ? ' (skipped: needs sh and head)' : ''}`, () => {
  const dir = join(tempDir(), 'traces');
  mkdirSync(dir);
  for (const name of ['bad1.csv', 'bad2.csv', 'bad3.csv']) writeFileSync(join(dir, name), Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x10]));
  copyFileSync(join(FIXTURES, 'startup-3.11.csv.gz'), join(dir, 'good.csv.gz'));

  it('analyze DIR 2>&1 | head -1 exits 2 for the traces that failed', () => {
    for (let i = 0; i < 3; i++) {
      const r = intoHead(['analyze', dir], true);
      expect(r.line).toBe(`memreplay: ${join(dir, 'bad1.csv')}: binary file: not a CSV or JSONL trace`);
      expect(r.status).toBe(2);
    }
  });

  it('a command that succeeded still exits 0 when its reader stops early', () => {
    expect(intoHead(['analyze', join(dir, 'good.csv.gz')], false)).toMatchObject({ status: 0 });
    expect(intoHead(['stats', join(dir, 'good.csv.gz')], true)).toEqual({ line: 'Small block threshold = 512, in 32 size classes.', status: 0 });
  });
});
