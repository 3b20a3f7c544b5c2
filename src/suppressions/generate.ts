// --gen-suppressions: one `leak:` entry per reported site, written so the
// file works on another machine: a path under the working directory is made
// relative (patterns match the tail of a frame's path), glob characters in
// names become `?`.

import { isAbsolute, relative, sep } from 'node:path';
import type { LeaksSite } from '../analyzers/leaks.js';
import type { SiteGrouping } from '../analyzers/site-table.js';
import { count } from '../reports/units.js';

const CLASS_NAMES = { steady_leak: 'steady-state leak', bounded: 'bounded', retained_once: 'retained once', transient: 'transient' } as const;

export function generateSuppressions(file: string, sites: readonly LeaksSite[], by: SiteGrouping, cwd = process.cwd()): string {
  const out = [`# memreplay: suppressions for ${count(sites.length, 'site')} of ${oneLine(file)}`, '# Keep the entries you accept; see docs/leaks.md for the pattern syntax.'];
  const seen = new Set<string>();
  for (const s of sites) {
    out.push(`# ${CLASS_NAMES[s.growth.class]}, ${count(s.requestedBytes, 'byte')} live in ${count(s.blocks, 'block')}: ${oneLine(s.key)}`);
    const pattern = patternFor(s, by, cwd);
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

export function patternFor(s: LeaksSite, by: SiteGrouping, cwd: string): string | null {
  const loc = s.location;
  if (loc === null) return null;
  const file = portablePath(loc.file, cwd);
  const fileLine = loc.line > 0 ? `${file}:${loc.line}` : file;
  let pattern: string;
  if (by === 'function' && loc.function !== '') pattern = loc.function;
  else if (by === 'filename') pattern = file;
  else pattern = fileLine;
  return pattern.replace(/[*?\r\n]/g, '?');
}

function portablePath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ').slice(0, 200);
}
