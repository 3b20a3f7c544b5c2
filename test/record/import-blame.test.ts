// Blame on the user's code, on real recordings: a program whose module
// allocates at import time. Import-machinery frames fold into the `import`
// line (compiling heavy.py) or the module's own code, and with the program's
// directory as the project root the standard library's work (json.loads) is
// blamed on the line of heavy.py that called it.

import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isImportFrame } from '../../src/analyzers/site-table.js';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, titleFor, WORKLOADS } from './helpers.js';

interface Site {
  key: string;
  stack: string[];
  requestedBytes: number;
  location: { file: string; line: number; function: string } | null;
}

function sitesOf(dir: string, args: string[]): Site[] {
  const r = memreplay(['leaks', 't.csv.gz', '--at', 'stats', '--json', '--top', '100000', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout).sites as Site[];
}

describe('sites blame the code that caused an import, not importlib', () => {
  for (const series of ['3.8', '3.12']) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: import frames fold into the import line, library calls into the project's line`), () => {
      const dir = tempDir();
      cpSync(join(WORKLOADS, 'import_blame'), dir, { recursive: true });
      // -B: heavy.py is compiled from source at its import, under importlib's frames.
      const rec = memreplay(['record', '--python', python!, '-o', join(dir, 't.csv.gz'), '--', '-B', join(dir, 'main.py')], { cwd: dir });
      expect(rec.code).toBe(0);

      // (Run by its absolute path: 3.8 names the main script's frames as it was given.)
      const importLine = /^<module> \((.*\/)?main\.py:3\)$/;
      const folded = sitesOf(dir, []);
      // Compiling heavy.py, under importlib's frames, is the import line's.
      expect(folded.some((s) => importLine.test(s.key))).toBe(true);
      // json.loads at import time is heavy.py's line 5 (the project's innermost frame).
      const parsed = folded.find((s) => s.key === `<module> (${join(dir, 'heavy.py')}:5)`);
      expect(parsed?.location).toEqual({ file: join(dir, 'heavy.py'), line: 5, function: '<module>' });
      expect(parsed!.requestedBytes).toBeGreaterThan(800 * 50);
      // Only a stack that is all import machinery (the interpreter's own imports at start-up) is named by it.
      for (const s of folded) {
        if (isImportFrame(s.key)) expect(s.stack.every(isImportFrame), s.key).toBe(true);
      }

      // --keep-import-frames keeps importlib's frames in the traceback, the compile among them.
      const keptTracebacks = sitesOf(dir, ['--keep-import-frames', '--by', 'traceback']).map((s) => s.key.split('; '));
      expect(keptTracebacks.some((frames) => frames.some((f) => importLine.test(f)) && isImportFrame(frames[frames.length - 1]!))).toBe(true);
      const foldedTracebacks = sitesOf(dir, ['--by', 'traceback']).map((s) => s.key.split('; '));
      expect(foldedTracebacks.some((frames) => importLine.test(frames[frames.length - 1]!) && frames.length === 1)).toBe(true);
      for (const frames of foldedTracebacks) if (frames.some(isImportFrame)) expect(frames.every(isImportFrame)).toBe(true);

      // With a project root the program is not under, json's own frames are the sites again.
      const elsewhere = sitesOf(dir, ['--project-root', tempDir()]);
      const heavyLine5 = elsewhere.find((s) => s.key === `<module> (${join(dir, 'heavy.py')}:5)`)?.requestedBytes ?? 0;
      expect(heavyLine5).toBeLessThan(parsed!.requestedBytes);
      expect(elsewhere.some((s) => /json[/\\](decoder|__init__)\.py:\d+\)$/.test(s.key) && s.stack.some((f) => f.includes('heavy.py:5')))).toBe(true);
    });
  }
});
