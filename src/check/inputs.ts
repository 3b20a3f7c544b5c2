// The trace arguments of `memreplay check`: files, `-` for stdin, or globs
// (fast-glob syntax) expanded here in sorted order, so CI runs see the same
// order everywhere. A glob that matches nothing is an input error of its own.

import { existsSync } from 'node:fs';
import fg from 'fast-glob';

/** A trace to check, or an argument that named none (with why). */
export interface TraceInput {
  readonly file: string;
  readonly error?: string;
}

export function expandInputs(args: readonly string[]): TraceInput[] {
  const inputs: TraceInput[] = [];
  for (const arg of args) {
    if (arg === '-' || existsSync(arg) || !fg.isDynamicPattern(arg)) {
      inputs.push({ file: arg });
      continue;
    }
    const matched = fg.sync(arg, { onlyFiles: true, unique: true }).sort();
    if (matched.length === 0) inputs.push({ file: arg, error: `${arg}: no file matches this pattern` });
    for (const file of matched) inputs.push({ file });
  }
  return inputs;
}
