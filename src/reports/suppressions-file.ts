// --gen-suppressions: one `leak:` entry per reported site, written so the
// file works on another machine and another patch release: a path in an
// installed package is written from its package (`attr/_make.py`), one in
// the standard library from below lib/pythonX.Y (`email/utils.py`), one under
// the project root relative to it (patterns match the tail of a frame's
// path); glob characters in names become `?`.

import { isAbsolute, relative, sep } from 'node:path';
import type { LeaksSite } from '../analyzers/leaks.js';
import type { SiteGrouping } from '../analyzers/site-table.js';
import { count } from '../text/units.js';

const CLASS_NAMES = { steady_leak: 'steady-state leak', bounded: 'bounded', retained_once: 'retained once', transient: 'transient' } as const;

/** `root`: the project root (the working directory unless --project-root says otherwise). */
export function generateSuppressions(file: string, sites: readonly LeaksSite[], by: SiteGrouping, root = process.cwd()): string {
  const out = [`# memreplay: suppressions for ${count(sites.length, 'site')} of ${oneLine(file)}`, '# Keep the entries you accept; see docs/leaks.md for the pattern syntax.'];
  const seen = new Set<string>();
  for (const s of sites) {
    out.push(`# ${CLASS_NAMES[s.growth.class]}, ${count(s.requestedBytes, 'byte')} live in ${count(s.blocks, 'block')}: ${oneLine(s.key)}`);
    const pattern = patternFor(s, by, root);
    if (pattern === null) {
      out.push('#   (no stack: nothing to match; suppressions match Python frames)');
      continue;
    }
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    out.push(`leak:${pattern}`);
  }
  return out.join('\n') + '\n';
}

export function patternFor(s: LeaksSite, by: SiteGrouping, root: string): string | null {
  // A native site: its C function (the Python line would also match the Python blocks allocated there);
  // by filename, its source file or shared object.
  if (s.native !== undefined) {
    const n = s.native;
    const pattern = by === 'filename' ? (n.file !== '' ? portablePath(n.file, root) : n.object) : n.function;
    return pattern.replace(/[*?\r\n]/g, '?');
  }
  const loc = s.location;
  if (loc === null) return null;
  const file = portablePath(loc.file, root);
  const fileLine = loc.line > 0 ? `${file}:${loc.line}` : file;
  let pattern: string;
  if (by === 'function' && loc.function !== '') pattern = loc.function;
  else if (by === 'filename') pattern = file;
  else pattern = fileLine;
  return pattern.replace(/[*?\r\n]/g, '?');
}

/** Below the last site-packages (or dist-packages) folder. */
const IN_PACKAGES = /^.*[/\\](?:site|dist)-packages[/\\](.+)$/;
/** Below the last lib/pythonX.Y folder (3.13's free-threaded build adds a t). */
const IN_STDLIB = /^.*[/\\]lib[/\\]python\d+(?:\.\d+)?t?[/\\](.+)$/i;
/** Below a Windows installation's Lib folder (C:\Python310\Lib\json\decoder.py). */
const IN_WINDOWS_STDLIB = /^[A-Za-z]:[/\\].*?[/\\]Lib[/\\](.+)$/;

/** A frame's file as a pattern that matches it on any machine: the tail below the packages, the standard library or the project. */
export function portablePath(file: string, root: string): string {
  const tail = IN_PACKAGES.exec(file)?.[1] ?? IN_STDLIB.exec(file)?.[1] ?? IN_WINDOWS_STDLIB.exec(file)?.[1];
  if (tail !== undefined) return tail.replace(/\\/g, '/');
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ').slice(0, 200);
}
