// The eval loop in parts (recorder/src/native-eval-parts.c): a call made
// from the loop's out-of-line part (`_PyEval_EvalFrameDefault.cold`) is the
// loop's, so Python frames splice in there and not one level out. The parts
// found must be those `nm` lists, in a stand-in gcc splits here (with a call
// from its cold part) and in each installed CPython's libpython.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPython, ROOT, SERIES, titleFor } from './helpers.js';
import { NATIVE_EXT } from './native-helpers.js';
import { tempDir } from '../cli/helpers.js';

const RECORDER = join(ROOT, 'recorder', 'src');

function gcc(args: string[]): void {
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc ${args.join(' ')}: ${r.stderr}`);
}

const dir = tempDir();
const probe = join(dir, 'eval-parts-probe');
gcc(['-std=gnu11', '-O2', `-I${RECORDER}`, join(NATIVE_EXT, 'eval-parts-probe.c'), join(RECORDER, 'native-eval-parts.c'), '-ldl', '-o', probe]);

/** The loop's parts by the object's symbol table, as nm reads it: the entry first. */
function nmParts(object: string): string[] {
  const out = spawnSync('nm', ['-S', '--defined-only', object], { encoding: 'utf8' }).stdout;
  const parts: string[] = [];
  for (const m of out.matchAll(/^([0-9a-f]+) ([0-9a-f]+) [Tt] _PyEval_EvalFrameDefault(\.cold(?:\.\d+)?)?$/gm)) {
    const line = `0x${BigInt(`0x${m[1]}`).toString(16)} ${BigInt(`0x${m[2]}`)}`;
    if (m[3] === undefined) parts.unshift(line);
    else parts.push(line);
  }
  return parts;
}

function probed(object: string): string[] {
  const r = spawnSync(probe, [object], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('the eval loop in parts', () => {
  it('finds the cold part gcc split off, and places a call made from it in the loop', () => {
    const lib = join(dir, 'libfake-eval.so');
    gcc(['-O2', '-fPIC', '-shared', '-freorder-blocks-and-partition', join(NATIVE_EXT, 'fake-eval.c'), '-o', lib]);
    const parts = nmParts(lib);
    expect(parts).toHaveLength(2); // the premise: gcc did split it
    expect(probed(lib)).toEqual([...parts, 'call from the loop: 1']);
  });

  for (const series of SERIES) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: the parts nm lists in its libpython`), () => {
      const r = spawnSync(python!, ['-c', "import sysconfig as s; print(s.get_config_var('LIBDIR') + '/' + s.get_config_var('INSTSONAME'))"], { encoding: 'utf8' });
      const lib = r.stdout.trim();
      const parts = nmParts(lib);
      // A static build has no libpython to load; a stripped one no symbol table to read.
      if (parts.length === 0) return;
      expect(probed(lib)).toEqual(parts);
    });
  }
});
