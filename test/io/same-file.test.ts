// Which input an output path is: real paths and device/inode, so symbolic
// links, hard links and `..` all count; a missing output and stdin never do.

import { linkSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { InputFiles, inputAt, refuseInputAsOutput, refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { tempDir } from '../cli/helpers.js';

function layout(): { dir: string; trace: string; other: string } {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub'));
  const trace = join(dir, 'sub', 't.csv');
  writeFileSync(trace, 'op,addr,size\n');
  const other = join(dir, 'other.csv');
  writeFileSync(other, 'op,addr,size\n'); // same content, another file
  return { dir, trace, other };
}

describe('inputAt', () => {
  it('finds the input by the same path, through .., a symbolic link (to the file or its folder) and a hard link', () => {
    const { dir, trace } = layout();
    symlinkSync(trace, join(dir, 'link.csv'));
    symlinkSync(join(dir, 'sub'), join(dir, 'sublink'));
    linkSync(trace, join(dir, 'hard.csv'));
    for (const output of [trace, join(dir, 'sub', '..', 'sub', 't.csv'), join(dir, 'link.csv'), join(dir, 'sublink', 't.csv'), join(dir, 'hard.csv')]) {
      expect(inputAt(output, ['-', trace]), output).toBe(trace);
    }
    // ... and the other way round: the input is the link, the output the file.
    expect(inputAt(trace, [join(dir, 'link.csv')])).toBe(join(dir, 'link.csv'));
    expect(inputAt(trace, [join(dir, 'hard.csv')])).toBe(join(dir, 'hard.csv'));
  });

  it('is undefined for another file with the same content, a missing output, a dangling link and stdin', () => {
    const { dir, trace, other } = layout();
    symlinkSync(join(dir, 'gone.csv'), join(dir, 'dangling.csv'));
    expect(inputAt(other, [trace])).toBeUndefined();
    expect(inputAt(join(dir, 'new.txt'), [trace])).toBeUndefined();
    expect(inputAt(join(dir, 'dangling.csv'), [trace, join(dir, 'gone.csv')])).toBeUndefined();
    expect(inputAt('-', ['-'])).toBeUndefined();
    expect(inputAt(trace, [])).toBeUndefined();
  });
});

describe('InputFiles', () => {
  it('looks at each input once for the run (a batch compares every file it writes with every trace)', () => {
    const { dir, trace } = layout();
    linkSync(trace, join(dir, 'hard.csv'));
    const inputs = new InputFiles([trace]);
    expect(inputs.find(join(dir, 'hard.csv'))).toBe(trace);
    unlinkSync(trace); // looked at again, the trace would be gone and the link another file
    expect(inputs.find(join(dir, 'hard.csv'))).toBe(trace);
    expect(inputAt(join(dir, 'hard.csv'), [trace])).toBeUndefined();
  });
});

describe('refuseInputAsOutput', () => {
  it('throws a usage error naming both', () => {
    const { dir, trace } = layout();
    const out = join(dir, 'sub', '.', 't.csv');
    expect(() => refuseInputAsOutput(out, [trace])).toThrow(UsageError);
    expect(() => refuseInputAsOutput(out, [trace])).toThrow(
      `cannot write ${out}: it is the input ${trace} (the same file); write to another path (--force never replaces an input)`,
    );
  });

  it('refuseInputsAsOutputs skips outputs not asked for and stdout', () => {
    const { trace, other } = layout();
    expect(() => refuseInputsAsOutputs([undefined, '-', other], [trace])).not.toThrow();
    expect(() => refuseInputsAsOutputs([undefined, other, trace], [trace])).toThrow(/it is the input/);
  });
});

describe('refuseOutputTwice', () => {
  it('refuses two outputs that are one file, existing or not, by any spelling', () => {
    const { dir, trace } = layout();
    symlinkSync(join(dir, 'sub'), join(dir, 'sublink'));
    const cases: [string, string][] = [
      [join(dir, 'r.xml'), join(dir, 'sub', '..', 'r.xml')],
      [join(dir, 'sub', 'new.xml'), join(dir, 'sublink', 'new.xml')],
      [join(dir, 'missing', 'deeper', 'r.xml'), join(dir, 'missing', '..', 'missing', 'deeper', 'r.xml')],
      [trace, join(dir, 'sublink', 't.csv')],
    ];
    for (const [a, b] of cases) {
      expect(() => refuseOutputTwice([['--junit', a], ['--sarif', undefined], ['--gen-suppressions', b]]), `${a} ${b}`).toThrow(
        `--junit ${a} and --gen-suppressions ${b} are the same file: give each output its own path`,
      );
    }
  });

  it('lets distinct outputs, outputs not asked for and stdout through', () => {
    const { dir } = layout();
    expect(() => refuseOutputTwice([['-o', join(dir, 'a.txt')], ['--gen-suppressions', join(dir, 'sub', 'a.txt')], ['x', undefined], ['y', '-'], ['z', '-']])).not.toThrow();
  });
});
