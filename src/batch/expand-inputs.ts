// Turn trace arguments into the list of inputs, in the order the user gave:
//
// - `-` stays `-` (stdin), and an http(s):// URL stays as it is;
// - a path that exists is taken as it is, even if it looks like a glob
//   (`trace[1].csv`);
// - a directory stands for the trace files directly in it (names ending in
//   .csv, .jsonl, .csv.gz or .jsonl.gz), sorted;
// - a glob (fast-glob syntax: *, **, ?, [...], {a,b}) stands for the files it
//   matches, sorted; hidden files only when the pattern names them (.*);
// - anything else is kept, so it fails alone later as "cannot read trace".
//
// Arguments keep their order, each argument's matches are sorted as plain
// strings (the same on every machine and locale), and a file named twice, by
// any spelling, is kept at its first place. A glob or directory that yields
// nothing is an error naming it: a CI job whose traces went missing should
// not pass by checking nothing.

import { statSync, readdirSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import fg from 'fast-glob';
import { UsageError } from '../errors.js';
import { isTraceUrl } from '../import/trace-url.js';

export const TRACE_FILE_SUFFIXES = ['.csv', '.jsonl', '.csv.gz', '.jsonl.gz'] as const;

export interface ExpandOptions {
  /** Directory relative arguments are resolved against (default process.cwd()). */
  cwd?: string;
}

export async function expandInputs(args: readonly string[], options: ExpandOptions = {}): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  const out: string[] = [];
  const seen = new Set<string>();
  /** One message per argument that yielded no file. */
  const empty: string[] = [];
  const add = (path: string): void => {
    const key = path === '-' || isTraceUrl(path) ? path : resolve(cwd, path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(path);
  };

  for (const arg of args) {
    if (arg === '-' || isTraceUrl(arg)) {
      add(arg);
      continue;
    }
    const stat = statOrUndefined(resolve(cwd, arg));
    if (stat?.isDirectory()) {
      const files = traceFilesIn(resolve(cwd, arg)).map((name) => join(arg, name));
      if (files.length === 0) {
        empty.push(`${JSON.stringify(arg)} is a directory with no trace files (${TRACE_FILE_SUFFIXES.map((s) => '*' + s).join(', ')})`);
      }
      files.forEach(add);
    } else if (stat === undefined && fg.isDynamicPattern(arg)) {
      const matches = await fg(arg, { cwd, onlyFiles: true, unique: true, suppressErrors: true });
      if (matches.length === 0) empty.push(`no file matches ${JSON.stringify(arg)}`);
      sortAsStrings(matches).forEach(add);
    } else {
      add(arg);
    }
  }
  if (empty.length > 0) throw new UsageError(empty.join('; '));
  return out;
}

function traceFilesIn(dir: string): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && TRACE_FILE_SUFFIXES.some((s) => e.name.endsWith(s)))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && statOrUndefined(join(dir, e.name))?.isFile()))
    .map((e) => e.name);
  return sortAsStrings(names);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function sortAsStrings(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
