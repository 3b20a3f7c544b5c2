// Which path stands in the way of an output directory, and the errors that
// name it (instead of mkdir's bare ENOTDIR / EEXIST).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { ensureParentDirectory, fileInTheWay } from '../../src/io/output-directory.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { tempDir } from '../cli/helpers.js';

function layout(): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'mine\n');
  mkdirSync(join(dir, 'sub'));
  return { dir, file };
}

describe('fileInTheWay', () => {
  it('is undefined for existing and missing directories', () => {
    const { dir } = layout();
    expect(fileInTheWay(dir)).toBeUndefined();
    expect(fileInTheWay(join(dir, 'sub'))).toBeUndefined();
    expect(fileInTheWay(join(dir, 'new', 'deeper'))).toBeUndefined();
  });

  it('names the file itself, or the parent that is a file', () => {
    const { file } = layout();
    expect(fileInTheWay(file)).toBe(file);
    expect(fileInTheWay(join(file, 'a', 'b'))).toBe(file);
  });
});

describe('ensureParentDirectory', () => {
  it('creates missing parents', () => {
    const { dir } = layout();
    ensureParentDirectory(join(dir, 'x', 'y', 'report.txt'));
    expect(fileInTheWay(join(dir, 'x', 'y'))).toBeUndefined();
  });

  it('says which path is a file', () => {
    const { file } = layout();
    const target = join(file, 'charts', 'a.vl.json');
    expect(() => ensureParentDirectory(target)).toThrow(MemreplayError);
    expect(() => ensureParentDirectory(target)).toThrow(`cannot write ${target}: ${file} is a file, not a directory`);
  });
});

describe('writeReportFile into a file or a directory', () => {
  it('a file where its directory should be: a MemreplayError naming it', () => {
    const { file } = layout();
    expect(() => writeReportFile(join(file, 'r.txt'), 'x', { inputs: [] })).toThrow(`${file} is a file, not a directory`);
  });

  it('a directory where the file should be: --force does not help, so it is not suggested', () => {
    const { dir } = layout();
    for (const force of [false, true]) {
      expect(() => writeReportFile(join(dir, 'sub'), 'x', { force, inputs: [] })).toThrow(/sub is a directory; give a file name/);
    }
  });
});
