// The incomplete trace of the incomplete-trace tests: an iterations trace with
// memreplay record's header, which names an end mark, cut before that mark;
// and the same trace ended.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iterationsTrace } from '../analyzers/trace-writer.js';
import { tempDir } from '../cli/helpers.js';

/** A temporary folder holding a clean trace of `iterations` iterations, cut short (no end mark) and ended. */
export function incompleteTraces(iterations: number): { dir: string; cut: string; ended: string } {
  const dir = tempDir();
  const body = iterationsTrace(iterations, false).replace('# python: 3.11.7\n', '# python: 3.11.7\n# recorder: memreplay record\n# complete: true\n# end_mark: end\n');
  const cut = join(dir, 'cut.csv');
  const ended = join(dir, 'ended.csv');
  writeFileSync(cut, body);
  writeFileSync(ended, body + 'mark,,,,,999999,1,,,end\n');
  return { dir, cut, ended };
}
