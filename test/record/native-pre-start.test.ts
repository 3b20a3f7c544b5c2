// Blocks the C library handed out before the recording began (the dynamic
// loader's, the interpreter reading its command line) are in no trace; their
// free, during the recording, is left out too and counted
// (recorder/src/native-pre-start.c), so the replay has no untracked free to
// report for them, and `record` says how many there were.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, SERIES, titleFor } from './helpers.js';

describe('record --native: frees of blocks from before the recording', () => {
  for (const series of SERIES) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: left out and counted, not untracked frees in the replay`), () => {
      const dir = tempDir();
      const script = join(dir, 'app.py');
      writeFileSync(script, 'import zlib\ndata = zlib.compress(b"x" * 100000)\nprint(len(data) > 0)\n');
      const out = join(dir, 't.csv');
      const r = memreplay(['record', '--native', '--python', python!, '-o', out, '--', script]);
      expect(r.code).toBe(0);
      // The premise: the interpreter does free blocks it was given before the recording.
      const said = /native: (\d+) frees? of blocks allocated before the recording began left out of the trace/.exec(r.stderr);
      expect(said, r.stderr).not.toBeNull();
      expect(Number(said![1])).toBeGreaterThan(0);
      const analyzed = memreplay(['analyze', '--json', out]);
      const native = JSON.parse(analyzed.stdout).traces[0].native;
      expect(native.anomalies.untracked_free).toBe(0);
    });
  }
});
