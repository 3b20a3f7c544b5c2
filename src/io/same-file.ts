// An input is never an output. `analyze t.csv -o t.csv --force` would
// replace the trace with its own report; the same through `./t.csv` and
// `../dir/t.csv`, a symbolic link or a hard link. --force means "replace a
// report that is there", never "replace what I asked you to read", so every
// writer refuses an output that is the same file as one of the run's inputs
// (traces, snapshots, suppression files, config, baseline), with or without
// --force.
//
// Two files are the same when their real paths are equal (symbolic links and
// `..` resolved) or when they are one inode on one device (hard links, and
// file systems whose real paths differ in spelling only, like a
// case-insensitive disk). An output that does not exist yet cannot be an
// input: inputs were there to be read.

import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** `-` names standard input, not a file. */
const STDIN = '-';

/**
 * The files a run reads, each looked at once: a batch writing many files
 * (a report per trace, each with its charts) compares every one with every
 * trace, and should not stat them all again for each.
 */
export class InputFiles {
  private identities: (Identity | undefined)[] | undefined;

  constructor(readonly paths: readonly string[]) {}

  /** The input that `output` is the same file as; undefined when it is none of them. */
  find(output: string): string | undefined {
    const out = identity(output);
    if (out === undefined) return undefined;
    this.identities ??= this.paths.map((p) => (p === STDIN ? undefined : identity(p)));
    const i = this.identities.findIndex((id) => id !== undefined && sameFile(out, id));
    return i < 0 ? undefined : this.paths[i];
  }
}

/** The paths of the files a run reads, or them looked at already. */
export type Inputs = readonly string[] | InputFiles;

/** The input that `output` is the same file as; undefined when it is none of them. */
export function inputAt(output: string, inputs: Inputs): string | undefined {
  return (inputs instanceof InputFiles ? inputs : new InputFiles(inputs)).find(output);
}

/** Throw, naming both, when `output` is the same file as one of `inputs`. */
export function refuseInputAsOutput(output: string, inputs: Inputs): void {
  const input = inputAt(output, inputs);
  if (input === undefined) return;
  throw new UsageError(
    `cannot write ${output}: it is the input ${input} (the same file); write to another path (--force never replaces an input)`,
  );
}

/** Before any work: refuse each output (undefined: not asked for) that is an input. */
export function refuseInputsAsOutputs(outputs: readonly (string | undefined)[], inputs: Inputs): void {
  for (const output of outputs) if (output !== undefined && output !== STDIN) refuseInputAsOutput(output, inputs);
}

/**
 * Before any work: refuse two outputs of one run (named by their options:
 * `--junit`, `--sarif`) that are one file, existing or not: the second
 * would replace the first.
 */
export function refuseOutputTwice(outputs: readonly (readonly [option: string, path: string | undefined])[]): void {
  const given = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined && o[1] !== STDIN && o[1] !== '');
  for (let i = 0; i < given.length; i++) {
    for (let j = i + 1; j < given.length; j++) {
      const [a, pa] = given[i]!;
      const [b, pb] = given[j]!;
      if (canonicalPath(pa) === canonicalPath(pb) || inputAt(pa, [pb]) !== undefined) {
        throw new UsageError(`${a} ${pa} and ${b} ${pb} are the same file: give each output its own path`);
      }
    }
  }
}

/** The real path of `path`, or, when it does not exist yet, its nearest existing parent's real path joined with the rest. */
function canonicalPath(path: string): string {
  const rest: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest);
    } catch {
      if (dirname(p) === p) return resolve(path);
      rest.unshift(basename(p));
    }
  }
}

interface Identity {
  readonly real: string;
  readonly stats: Stats;
}

function identity(path: string): Identity | undefined {
  try {
    return { stats: statSync(path), real: realpathSync(path) };
  } catch {
    return undefined; // missing (or unreadable): nothing there to lose
  }
}

function sameFile(a: Identity, b: Identity): boolean {
  if (a.real === b.real) return true;
  // Some file systems report inode 0 for every file: then only paths can tell.
  return a.stats.ino !== 0 && a.stats.ino === b.stats.ino && a.stats.dev === b.stats.dev;
}
