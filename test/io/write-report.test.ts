// writeReportFile when the write itself fails: out of memory (ENOMEM, a
// `ulimit -v` reached while encoding or writing) or a full disk (ENOSPC) is a
// MemreplayError naming the file (exit 2), not an internal error, and leaves
// neither a temporary file nor a half-written report.

import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { tempDir } from '../cli/helpers.js';

const failure = vi.hoisted(() => ({ code: undefined as string | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    writeFileSync: (...args: Parameters<typeof real.writeFileSync>) => {
      if (failure.code !== undefined) {
        real.writeFileSync(args[0], 'partial'); // the temporary file exists, half written
        throw Object.assign(new Error(`${failure.code}: simulated, write`), { code: failure.code });
      }
      return real.writeFileSync(...args);
    },
  };
});

const { writeReportFile } = await import('../../src/io/write-report.js');

afterEach(() => {
  failure.code = undefined;
});

describe('writeReportFile when the write fails', () => {
  for (const code of ['ENOMEM', 'ENOSPC']) {
    it(`${code}: one MemreplayError naming the file; the old report and the directory as they were`, () => {
      const dir = tempDir();
      const path = join(dir, 'r.txt');
      writeReportFile(path, 'old report\n', { inputs: [] });
      failure.code = code;
      let error: unknown;
      try {
        writeReportFile(path, 'new report\n', { force: true, inputs: [] });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MemreplayError);
      expect((error as Error).message).toBe(`cannot write ${path}: ${code}: simulated, write`);
      expect(fs.readdirSync(dir)).toEqual(['r.txt']);
      expect(fs.readFileSync(path, 'utf8')).toBe('old report\n');
    });
  }
});
